"""Upload ingest throughput of the reference credit API on loopback (records/s).

    python bench/ingest_bench.py [--records 100000] [--batch 500] [--pg URL]

For each database (SQLite always; PostgreSQL when --pg or $STARKIOSK_TEST_PG_URL is given) it
starts ``credit-api serve`` in its own process on 127.0.0.1, enrols a device, uploads
``--records`` fresh check-in records in batches of ``--batch`` over one keep-alive connection,
then replays every batch once (all duplicates), and prints one JSON object per database.
DESIGN §7 asks for 100,000 records acknowledged in ≤ 30 s (≥ 3,334 records/s).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from credit_api import db as t  # noqa: E402
from credit_api import service as svc  # noqa: E402
from credit_api.db import make_engine, migrate  # noqa: E402
from sync.protocol import Session, Venue  # noqa: E402

VENUE = 777001


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _seed(url: str, classes: int, parents: int) -> tuple[list[int], list[int], str]:
    engine = make_engine(url)
    migrate(engine)
    now = datetime.now(UTC)
    sids = [VENUE * 1000 + i for i in range(classes)]
    pids = list(range(50_000_001, 50_000_001 + parents))
    with engine.begin() as conn:
        svc.put_venue(conn, Venue(id=VENUE, name="基准测试学校", kind="街道社区学校"))
        for sid in sids:
            svc.put_session(conn, Session(
                id=sid, venue_id=VENUE, title="基准", series="基准", stage=1,
                starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(hours=2),
                capacity=10000, credits=2))
        conn.execute(t.parents.insert(), [
            {"id": p, "masked_name": "王*明", "phone_last4": f"{p % 10000:04d}", "stage": 1,
             "completed": False, "created_at": now} for p in pids])
        code, _ = svc.new_enrolment_code(conn, VENUE, now)
    engine.dispose()
    return sids, pids, code


def _serve(url: str, data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {**os.environ, "STARKIOSK_CREDIT_DATA_DIR": str(data_dir)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "credit_api", "serve", "--db", url, "--port", str(port),
         "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(base + "/openapi.json", timeout=1)
            return proc, base
        except requests.ConnectionError:
            if proc.poll() is not None:
                raise RuntimeError((proc.stderr.read() if proc.stderr else b"").decode()) from None
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


def run_one(name: str, url: str, records: int, batch: int) -> dict[str, Any]:
    parents = 1000
    classes = max(1, -(-records // parents))
    with tempfile.TemporaryDirectory() as tmp:
        sids, pids, code = _seed(url, classes, parents)
        proc, base = _serve(url, Path(tmp))
        try:
            http = requests.Session()
            r = http.post(base + "/v1/enrol", json={"code": code, "device_name": "bench"},
                          timeout=30)
            r.raise_for_status()
            http.headers["Authorization"] = f"Device {r.json()['token']}"
            now = datetime.now(UTC).isoformat()
            recs = [{"id": str(uuid.uuid4()), "kind": "checkin", "session_id": sids[i // parents],
                     "parent_id": pids[i % parents], "pass_id": None, "method": "manual",
                     "walk_in": False, "device_time": now, "clock_offset_ms": 0}
                    for i in range(records)]
            batches = [recs[i:i + batch] for i in range(0, records, batch)]

            def upload_all(expect: str) -> tuple[float, list[float]]:
                lat = []
                start = time.perf_counter()
                for b in batches:
                    t0 = time.perf_counter()
                    resp = http.post(base + "/v1/records", json={"records": b}, timeout=120)
                    lat.append(time.perf_counter() - t0)
                    resp.raise_for_status()
                    if resp.json()[expect] != len(b):
                        raise RuntimeError(f"expected all {expect}: {resp.json()}")
                return time.perf_counter() - start, lat

            fresh_s, lat = upload_all("accepted")
            replay_s, _ = upload_all("duplicate")
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    q = statistics.quantiles(lat, n=20) if len(lat) >= 2 else lat * 19
    return {
        "database": name, "records": records, "batch": batch,
        "seconds": round(fresh_s, 2), "records_per_s": round(records / fresh_s),
        "batch_ms_p50": round(statistics.median(lat) * 1000, 1),
        "batch_ms_p95": round(q[18] * 1000, 1),
        "replay_duplicates_per_s": round(records / replay_s),
        "target_100k_in_30s": records / fresh_s >= 100_000 / 30,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--records", type=int, default=100_000)
    p.add_argument("--batch", type=int, default=500)
    p.add_argument("--pg", default=os.environ.get("STARKIOSK_TEST_PG_URL"),
                   help="PostgreSQL URL (default $STARKIOSK_TEST_PG_URL; skipped when unset)")
    args = p.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results.append(run_one("sqlite", f"sqlite:///{tmp}/bench.sqlite3", args.records,
                               args.batch))
    if args.pg:
        schema = f"bench_{secrets.token_hex(4)}"
        admin = make_engine(args.pg)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in args.pg else "?"
        try:
            results.append(run_one("postgresql", f"{args.pg}{sep}options=-csearch_path%3D{schema}",
                                   args.records, args.batch))
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    else:
        results.append({"database": "postgresql", "skipped": "no --pg URL given"})
    print(json.dumps({"benchmark": "credit-api upload ingest, loopback",
                      "cpus": os.cpu_count(), "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
