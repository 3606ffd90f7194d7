"""Pass verification time: ``sync.passes.verify`` and parse-only, per pass.

Signs ``--passes`` distinct parent passes with one Ed25519 key, then times each call with
``time.perf_counter_ns`` (garbage collector off while timing), in ``--rounds`` interleaved rounds
of verify / parse / verify-of-a-forged-pass so machine noise hits all three alike.  Prints one JSON
line: p50 / p95 / p99 / mean in microseconds, and the machine.

DESIGN §7 has no separate bar for verification; it is a slice of "code shown → result on screen,
p95 ≤ 150 ms".

Usage::

    python bench/verify_bench.py                # 20,000 passes, 3 rounds
    python bench/verify_bench.py --passes 5000 --rounds 1
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from datetime import UTC, datetime

from benchlib import machine
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.devtools.keys import SigningKey
from sync import passes


def percentiles(ns: list[int]) -> dict[str, float]:
    """p50 / p95 / p99 / mean / max in microseconds (nearest-rank on the sorted sample)."""
    s = sorted(ns)

    def rank(q: float) -> float:
        return s[min(len(s) - 1, max(0, round(q * len(s)) - 1))] / 1000

    return {
        "n": len(s),
        "p50_us": round(rank(0.50), 1),
        "p95_us": round(rank(0.95), 1),
        "p99_us": round(rank(0.99), 1),
        "mean_us": round(statistics.fmean(s) / 1000, 1),
        "max_us": round(s[-1] / 1000, 1),
    }


def forge(text: str) -> str:
    """Flip one signature character (stays in the base45 alphabet): a bad-signature pass."""
    i = len(text) - 5
    return text[:i] + ("0" if text[i] != "0" else "1") + text[i + 1 :]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--passes", type=int, default=20_000)
    p.add_argument("--rounds", type=int, default=3, help="timed passes over the whole set")
    p.add_argument("--time-limit", type=float, default=100.0,
                   help="stop starting rounds after this many seconds")
    args = p.parse_args(argv)

    key = SigningKey(1, Ed25519PrivateKey.generate())
    keys = {1: passes.public_key_from_raw(passes.public_key_raw(key.private))}
    t_sign = time.perf_counter()
    texts = [key.issue(1_000_000 + i)[0] for i in range(args.passes)]
    sign_s = time.perf_counter() - t_sign
    forged = [forge(t) for t in texts[: max(1, args.passes // 10)]]
    now = datetime.now(UTC)
    revoked: set[int] = set()

    def is_revoked(pass_id: int) -> bool:
        return pass_id in revoked

    verify_ns: list[int] = []
    parse_ns: list[int] = []
    forged_ns: list[int] = []
    clock = time.perf_counter_ns
    verify, parse = passes.verify, passes.parse
    # Warm-up (imports, caches, CPU frequency).
    for t in texts[:500]:
        verify(t, keys, now, is_revoked=is_revoked)
    t0 = time.monotonic()
    rounds = 0
    gc.disable()
    try:
        while rounds < args.rounds and time.monotonic() - t0 < args.time_limit:
            rounds += 1
            for i, t in enumerate(texts):
                a = clock()
                v = verify(t, keys, now, is_revoked=is_revoked)
                b = clock()
                parse(t)
                c = clock()
                verify_ns.append(b - a)
                parse_ns.append(c - b)
                if not v.ok:
                    raise SystemExit(f"pass {i} did not verify: {v.error}")
                if i % 10 == 0:
                    f = forged[(i // 10) % len(forged)]
                    a = clock()
                    v = verify(f, keys, now, is_revoked=is_revoked)
                    forged_ns.append(clock() - a)
                    if v.ok or v.error is not passes.PassError.BAD_SIGNATURE:
                        raise SystemExit(f"forged pass not refused as bad signature: {v}")
    finally:
        gc.enable()
    elapsed = time.monotonic() - t0

    v50 = percentiles(verify_ns)
    result = {
        "bench": "verify",
        "passes": args.passes,
        "rounds": rounds,
        "pass_chars": len(texts[0]),
        "verify": v50,
        "parse_only": percentiles(parse_ns),
        "verify_forged": percentiles(forged_ns),
        "verify_per_s_single_core": round(1e6 / v50["mean_us"]),
        "sign_us_mean": round(sign_s / args.passes * 1e6, 1),
        "elapsed_s": round(elapsed, 1),
        "machine": machine(),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
