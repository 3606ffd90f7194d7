"""Sync figures (DESIGN §7): bulk catch-up, the naive baseline, and uploads through faults.

    python bench/sync_bench.py [--records 100000] [--naive 2000] [--fault-uploads 10000]

1. ``--records`` pending records on a kiosk → all acknowledged by the reference server (its own
   process, SQLite, loopback) with the real sync engine (batches of 500).  Target ≤ 30 s.
2. In the same run, a naive client that sends one request per record, over ``--naive`` records;
   the ratio of the two rates.
3. ``--fault-uploads`` records uploaded through the fault proxy (answers dropped after the server
   committed, resets, stalls past the timeout, 500s and 429s): records lost or duplicated on the
   server must both be 0.
Prints one JSON line.  Everything runs on 127.0.0.1 and stops by itself.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from credit_api import db as cdb  # noqa: E402
from credit_api import service as svc  # noqa: E402
from kiosk.core.rules import RecordKind  # noqa: E402
from kiosk.core.store import NewRecord, Store  # noqa: E402
from sync.client import ApiClient  # noqa: E402
from sync.engine import Backoff, SyncEngine  # noqa: E402
from sync.protocol import Session, UploadBatch, UploadRecord  # noqa: E402
from tests.faultproxy import FaultProxy, random_faults  # noqa: E402
from tests.test_sync import Platform  # noqa: E402

CLASSES = 100


def seed_platform(p: Platform, parents: int, first_session: int) -> list[int]:
    """``CLASSES`` classes open now at the demo venue, ``parents`` parents registered to all."""
    now = datetime.now(UTC)
    venue = p.demo["venue"]["id"]
    with p.engine.begin() as conn:
        sids = []
        for i in range(CLASSES):
            sid = first_session + i
            svc.put_session(conn, Session(
                id=sid, venue_id=venue, title=f"讲座 {i}", series="bench", stage=1,
                starts_at=now - timedelta(minutes=30), ends_at=now + timedelta(hours=3),
                capacity=parents + 10, credits=1, walk_in_policy="accept_flag"))
            sids.append(sid)
        for k in range(parents):
            svc.put_parent(conn, 20_000_000 + k, "王*明", f"{k % 10000:04d}", now)
    return sids


def fill_kiosk(store: Store, sids: list[int], parents: int, count: int, offset: int = 0) -> int:
    now = datetime.now(UTC)
    n = 0
    with store.write():
        for sid in sids:
            for k in range(parents):
                if n >= count:
                    return n
                store.insert_record(NewRecord(RecordKind.CHECKIN, sid, 20_000_000 + offset + k,
                                              None, "manual", False, now, "王*明"))
                n += 1
    return n


def server_count(p: Platform) -> int:
    with p.engine.begin() as conn:
        return conn.execute(select(func.count()).select_from(cdb.records)).scalar_one()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--naive", type=int, default=2_000)
    ap.add_argument("--fault-uploads", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    out: dict = {"bench": "sync", "machine": {"nproc": os.cpu_count(), "python": platform.python_version(),
                                              "platform": platform.platform()}}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        p = Platform(root / "platform", parents=10)
        parents = 1000
        sids = seed_platform(p, parents + 3000, first_session=900_000)
        p.start()
        try:
            code = p.code()
            token = ApiClient(p.url).enrol(code, "bench").token

            # 1. bulk catch-up with the engine
            store = Store(root / "kiosk.db")
            fill_kiosk(store, sids, parents, args.records)
            engine = SyncEngine(store, ApiClient(p.url, token, timeout=(5, 120)))
            t0 = time.perf_counter()
            result = engine.run_once(force=True)
            bulk_s = time.perf_counter() - t0
            assert result.ok, result.error
            acked = store.record_counts()["acknowledged"]
            out["bulk"] = {"records": args.records, "acknowledged": acked, "seconds": round(bulk_s, 2),
                           "records_per_s": round(acked / bulk_s), "target_s": 30,
                           "note": "includes the download pass that follows the upload"}

            # 2. naive: one request per record, same server, same kind of record
            http = requests.Session()
            now = datetime.now(UTC)
            recs = [UploadRecord(id=str(uuid.uuid4()), kind="checkin", session_id=sids[i % CLASSES],
                                 parent_id=20_000_000 + parents + i // CLASSES, method="manual",
                                 device_time=now) for i in range(args.naive)]
            t0 = time.perf_counter()
            for r in recs:
                resp = http.post(p.url + "/v1/records", data=UploadBatch(records=[r]).model_dump_json(),
                                 headers={"Authorization": f"Device {token}",
                                          "Content-Type": "application/json"}, timeout=30)
                resp.raise_for_status()
            naive_s = time.perf_counter() - t0
            naive_rate = args.naive / naive_s
            out["naive"] = {"records": args.naive, "seconds": round(naive_s, 2),
                            "records_per_s": round(naive_rate)}
            out["ratio_engine_over_naive"] = round(out["bulk"]["records_per_s"] / naive_rate, 1)

            # 3. faults
            fstore = Store(root / "faults.db")
            before = server_count(p)
            n = fill_kiosk(fstore, sids, 2000, args.fault_uploads, offset=parents + 1000)
            weights = {"pass": 0.45, "drop": 0.25, "reset": 0.1, "stall": 0.05, "500": 0.1, "429": 0.05}
            with FaultProxy(p.port, choose=random_faults(random.Random(args.seed), weights),
                            stall_s=1.5) as proxy:
                feng = SyncEngine(fstore, ApiClient(proxy.url, token, timeout=(1.0, 1.0)),
                                  backoff=Backoff(base_s=0.01, cap_s=0.05), batch_size=50)
                t0 = time.perf_counter()
                passes = 0
                while fstore.record_counts()["pending"] and passes < 2000:
                    feng.run_once(force=True)
                    passes += 1
                fault_s = time.perf_counter() - t0
                counts = dict(proxy.counts)
            mine = {r["id"] for r in fstore.records()}
            with p.engine.begin() as conn:
                held = conn.execute(select(func.count()).select_from(cdb.records)
                                    .where(cdb.records.c.id.in_(list(mine)))).scalar_one()
            local = fstore.record_counts()
            out["faults"] = {
                "uploads": n, "sync_passes": passes, "seconds": round(fault_s, 1),
                "faults_injected": counts,
                "acknowledged_on_kiosk": local["acknowledged"], "pending_left": local["pending"],
                "held_by_server": held, "lost": n - held,
                "duplicates_on_server": server_count(p) - before - held,
            }
        finally:
            p.stop()
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
