"""Pass parser robustness (DESIGN §7): random input never crashes, bad passes get the right reason.

    python bench/pass_robustness.py [--inputs 1000000] [--per-kind 20000] [--seed 1]

Part 1 feeds random byte strings (decoded as UTF-8 with replacement and as Latin-1), random
strings over the pass alphabet of the right length, and valid passes with random bit flips and
splices into ``passes.verify``; any exception is a crash.  Part 2 makes passes that must be
refused — forged (another key, same key id), one bit flipped in the binary, expired, revoked,
unknown key id — and counts how many got exactly the expected reason.  Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import base45  # noqa: E402
from benchlib import machine  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from sync import passes  # noqa: E402
from sync.passes import PassData, PassError, Role  # noqa: E402

ALPHABET = base45.BASE45_CHARSET


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--inputs", type=int, default=1_000_000)
    ap.add_argument("--per-kind", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    now = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    key = Ed25519PrivateKey.generate()
    keys = {1: key.public_key()}
    revoked = {4242}

    def issue(pass_id: int, *, k: Ed25519PrivateKey = key, kid: int = 1,
              start: datetime = now - timedelta(days=1), days: int = 365) -> str:
        return passes.sign(PassData(kid, pass_id, rng.randrange(1, 2**32), Role.PARENT, start,
                                    start + timedelta(days=days)), k)

    valid = [issue(rng.randrange(10_000, 2**32)) for _ in range(200)]
    valid_set = set(valid)

    # ---- part 1: nothing crashes --------------------------------------------------------------
    crashes, outcomes = 0, {}
    t0 = time.perf_counter()
    for i in range(args.inputs):
        kind = i % 4
        if kind == 0:
            text = rng.randbytes(rng.randrange(0, 200)).decode("utf-8", "replace")
        elif kind == 1:
            text = rng.randbytes(rng.randrange(0, 200)).decode("latin-1")
        elif kind == 2:
            text = "S" + "".join(rng.choice(ALPHABET) for _ in range(passes.TEXT_LEN - 1))
        else:
            raw = bytearray(base45.b45decode(rng.choice(valid)[1:]))
            for _ in range(rng.randrange(1, 4)):
                raw[rng.randrange(len(raw))] ^= 1 << rng.randrange(8)
            text = "S" + base45.b45encode(bytes(raw)).decode()
            if rng.random() < 0.2:  # splices and truncations
                cut = rng.randrange(len(text))
                text = text[:cut] + rng.choice(valid)[cut:] if rng.random() < 0.5 else text[:cut]
        try:
            v = passes.verify(text, keys, now, is_revoked=revoked.__contains__)
        except Exception:  # noqa: BLE001 — a crash is what we count
            crashes += 1
            continue
        if v.ok:
            # Two flips of one bit, or a splice at the start, can rebuild a genuine pass.
            label = "ok_genuine" if passes.normalize(text) in valid_set else "ok_forged(!)"
            outcomes[label] = outcomes.get(label, 0) + 1
        else:
            outcomes[v.error.value] = outcomes.get(v.error.value, 0) + 1
    fuzz_s = time.perf_counter() - t0

    # ---- part 2: every bad pass refused with the right reason --------------------------------
    other = Ed25519PrivateKey.generate()
    kinds = {
        "forged": (lambda: issue(rng.randrange(10_000, 2**32), k=other), PassError.BAD_SIGNATURE),
        "bit_flipped": (None, None),
        "expired": (lambda: issue(rng.randrange(10_000, 2**32), start=now - timedelta(days=400)),
                    PassError.EXPIRED),
        "revoked": (lambda: issue(4242), PassError.REVOKED),
        "unknown_key": (lambda: issue(rng.randrange(10_000, 2**32), k=other, kid=7),
                        PassError.UNKNOWN_KEY),
    }
    results = {}
    for name, (make, expected) in kinds.items():
        right = 0
        for _ in range(args.per_kind):
            if name == "bit_flipped":
                raw = bytearray(base45.b45decode(rng.choice(valid)[1:]))
                raw[rng.randrange(len(raw))] ^= 1 << rng.randrange(8)
                v = passes.verify("S" + base45.b45encode(bytes(raw)).decode(), keys, now)
                # A flipped bit lands in the header (unreadable / unknown key) or the signed part.
                right += (not v.ok) and v.error in (PassError.BAD_SIGNATURE, PassError.UNREADABLE,
                                                    PassError.UNKNOWN_KEY)
            else:
                v = passes.verify(make(), keys, now, is_revoked=revoked.__contains__)
                right += v.error is expected
        results[name] = {"tried": args.per_kind, "right_reason": right,
                         "rate": round(right / args.per_kind, 6)}
    print(json.dumps({
        "bench": "pass_robustness", "machine": machine(),
        "fuzz": {"inputs": args.inputs, "crashes": crashes, "forgeries_accepted": outcomes.get("ok_forged(!)", 0),
                 "seconds": round(fuzz_s, 1), "outcomes": outcomes},
        "rejection": results,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
