"""kill -9 during a scan storm (DESIGN §7: 1,000 cycles, 0 confirmed records lost, integrity ok).

Each cycle starts the real command line as a child process::

    python -m kiosk checkin --session SID --data-dir D

feeds it a few pass codes on standard input (mostly parents never seen before, some repeats of
parents already checked in, now and then an unreadable code), reads the JSON lines it prints and
sends it SIGKILL at a random moment: during start-up, right after the k-th line, a few hundred
microseconds later (usually inside the next transaction's commit), or after end of input while
the store is closing.  Every complete line the child printed before it died was printed after its
record was committed, so each one is a promise; after each kill the database is opened afresh
(read-only, so the next child still finds the crashed WAL and recovers it itself) and checked:

* every printed ``checkin_id`` is in ``records``, for the right parent and kind ("lost");
* a repeat scan of a confirmed parent never says "accepted" (the kiosk forgot a check-in);
* no (session_id, parent_id, kind) appears twice, read from the table itself (``NOT INDEXED``);
* no record for a parent that was never fed, and at most one committed-but-unprinted record per
  cycle (the one in flight when the kill landed);
* ``PRAGMA integrity_check`` is ``ok`` every ``integrity_every`` cycles and at the end.

Process start-up (~0.25 s of CPU, mostly imports) dominates a cycle, so to use both cores the
cycles come in runs of 1..``max_run``: the first child of a run starts only after the previous
child was killed and checked ("cold": a fresh kiosk process must recover the crashed WAL itself,
no other connection is open), the others are started up to ``depth`` cycles ahead ("warm": their
import time overlaps earlier cycles, and they hold the database open across earlier kills).

Usage::

    python bench/crash_storm.py                    # 1,000 cycles, JSON summary on stdout
    python bench/crash_storm.py --cycles 200 --seed 7

The engine (:func:`prepare`, :class:`Storm`) is also used by ``tests/test_crash.py``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from benchlib import machine

READ_TIMEOUT_S = 20.0  # a child that prints nothing for this long is hung: a finding


# ---------------------------------------------------------------------------
# Set-up: key, bundle, imported store, passes (all in-process, it is fast)
# ---------------------------------------------------------------------------


@dataclass
class Fixture:
    data_dir: Path
    session_id: int
    parents: list[int]
    codes: dict[int, str]

    @property
    def db_path(self) -> Path:
        return self.data_dir / "kiosk.db"


def prepare(workdir: Path, parents: int = 3000) -> Fixture:
    """A data folder with a demo bundle of ``parents`` parents imported, and one pass each."""
    from kiosk.core.store import Store
    from kiosk.devtools.keys import keygen, load_key
    from sync.demo import make_bundle

    keygen(workdir / "keys", key_id=1)
    key = load_key(workdir / "keys")
    bundle, summary = make_bundle([key.trust_key()], parents=parents)
    data_dir = workdir / "data"
    with Store(data_dir / "kiosk.db") as store:
        store.import_bundle(bundle)
    ids = list(summary["parents"])
    codes = {pid: key.issue(pid)[0] for pid in ids}
    return Fixture(data_dir, int(summary["open_session"]), ids, codes)


# ---------------------------------------------------------------------------
# One child process
# ---------------------------------------------------------------------------


class Child:
    """``python -m kiosk checkin`` with raw pipes; lines are read with a deadline.

    Its stderr goes to a small file (not DEVNULL) so an unexpected exit can be reported with the
    child's own message (a file never blocks the child the way an unread pipe could).
    """

    def __init__(self, fx: Fixture, err_path: Path) -> None:
        self.err_path = err_path
        self._err: IO[bytes] = open(err_path, "wb")  # noqa: SIM115 - closed in finish()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "checkin", "--session", str(fx.session_id),
             "--data-dir", str(fx.data_dir)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._err, bufsize=0,
        )
        self._buf = b""
        self.lines: list[bytes] = []
        self.eof = False
        self.warm_started = False  # started ahead of its cycle

    def feed(self, codes: list[str]) -> bool:
        """Write all codes at once (a few kB: fits the pipe).  False if the child is gone."""
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write("".join(c + "\n" for c in codes).encode("ascii"))
            return True
        except BrokenPipeError:
            return False

    def close_stdin(self) -> None:
        assert self.proc.stdin is not None
        with contextlib.suppress(BrokenPipeError):
            self.proc.stdin.close()

    def _pump(self, timeout: float | None) -> bool:
        """Read what is available; False on EOF or timeout."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            return False
        chunk = os.read(fd, 65536)
        if not chunk:
            self.eof = True
            return False
        self._buf += chunk
        *done, self._buf = self._buf.split(b"\n")
        self.lines.extend(done)
        return True

    def read_until(self, count: int, timeout: float = READ_TIMEOUT_S) -> bool:
        """Wait until ``count`` complete lines were read; False on EOF or timeout."""
        deadline = time.monotonic() + timeout
        while len(self.lines) < count:
            left = deadline - time.monotonic()
            if left <= 0 or self.eof or not self._pump(left):
                return len(self.lines) >= count
        return True

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)

    def finish(self) -> tuple[int, bytes]:
        """Reap the (dead) child, drain its stdout to EOF; (exit status, partial last line)."""
        rc = self.proc.wait(timeout=30)
        while not self.eof:
            self._pump(5.0)
        for f in (self.proc.stdin, self.proc.stdout):
            if f is not None:
                with contextlib.suppress(BrokenPipeError):
                    f.close()
        self._err.close()
        return rc, self._buf

    def stderr_text(self) -> str:
        try:
            return self.err_path.read_text(encoding="utf-8", errors="replace")[-2000:]
        except OSError:
            return ""


# ---------------------------------------------------------------------------
# The storm
# ---------------------------------------------------------------------------

GARBAGE = "NOT-A-PASS-{n}"


@dataclass
class CycleReport:
    index: int
    mode: str
    warm: bool
    fed: int
    printed: int
    returncode: int
    partial_line: bool
    elapsed_s: float
    problems: list[str] = field(default_factory=list)


@dataclass
class Storm:
    fx: Fixture
    rng: random.Random
    workdir: Path
    depth: int = 3
    max_run: int = 8
    integrity_every: int = 25
    max_codes: int = 16

    def __post_init__(self) -> None:
        self.fresh = list(self.fx.parents)
        self.rng.shuffle(self.fresh)
        self.confirmed: dict[int, str | None] = {}  # parent -> checkin id (None: id unseen)
        self.inflight: set[int] = set()  # fed, no line seen: committed or not, unknown
        self.fed_ever: set[int] = set()
        self.unprinted_records = 0  # committed but never printed (≤ 1 new per cycle)
        self.cycles = 0
        self.lines_total = 0
        self.accepted_total = 0
        self.lost: dict[int, str] = {}  # parent -> what happened
        self.duplicates: dict[tuple[Any, ...], str] = {}
        self.problems: list[str] = []
        self.integrity: list[str] = []
        self.modes: dict[str, int] = {}
        self._queue: list[Child] = []
        self._run_left = 0
        self._spawned = 0

    # -- children -----------------------------------------------------------

    def _spawn(self) -> Child:
        self._spawned += 1
        # At most depth + 1 children are alive: recycle that many stderr files (plus slack).
        return Child(self.fx, self.workdir / f"child-{self._spawned % (self.depth + 3)}.err")

    def close(self) -> None:
        for child in self._queue:
            child.kill()
            child.finish()
        self._queue.clear()

    # -- planning -------------------------------------------------------------

    def _plan_codes(self) -> list[tuple[str, int | None, str]]:
        """[(kind, parent, code)], kind in new / repeat / inflight / garbage."""
        out: list[tuple[str, int | None, str]] = []
        for _ in range(self.rng.randint(1, self.max_codes)):
            r = self.rng.random()
            if r < 0.04:
                out.append(("garbage", None, GARBAGE.format(n=self.rng.randrange(10**6))))
            elif r < 0.22 and self.confirmed:
                pid = self.rng.choice(list(self.confirmed))
                out.append(("repeat", pid, self.fx.codes[pid]))
            elif r < 0.25 and self.inflight:
                pid = self.rng.choice(sorted(self.inflight))
                out.append(("inflight", pid, self.fx.codes[pid]))
            elif self.fresh:
                pid = self.fresh.pop()
                out.append(("new", pid, self.fx.codes[pid]))
            elif self.confirmed:
                pid = self.rng.choice(list(self.confirmed))
                out.append(("repeat", pid, self.fx.codes[pid]))
        # A parent can appear only once per cycle (a second sighting would be a legal repeat,
        # but keeping one keeps the expectations simple).
        seen: set[int] = set()
        unique = []
        for item in out:
            if item[1] is not None and item[1] in seen:
                continue
            if item[1] is not None:
                seen.add(item[1])
            unique.append(item)
        return unique

    # -- one cycle ------------------------------------------------------------

    def cycle(self) -> CycleReport:
        t0 = time.monotonic()
        self.cycles += 1
        warm = bool(self._queue)
        if warm:
            child = self._queue.pop(0)
            child.warm_started = True
        else:
            child = self._spawn()
            self._run_left = self.rng.randint(1, self.max_run)
        self._run_left -= 1
        # Start the next children of this run now, so their start-up overlaps this cycle.
        while len(self._queue) < min(self.depth, self._run_left):
            self._queue.append(self._spawn())

        plan = self._plan_codes()
        for kind, pid, _ in plan:
            if pid is not None and kind != "garbage":
                self.fed_ever.add(pid)
        problems: list[str] = []
        if not child.feed([code for _, _, code in plan]):
            problems.append("child exited before reading its input")

        try:
            mode = self._kill(child, len(plan), problems)
        except BaseException:
            child.kill()
            child.finish()
            raise
        self.modes[mode] = self.modes.get(mode, 0) + 1

        rc, partial = child.finish()
        if rc not in (-signal.SIGKILL, 0):
            problems.append(f"child exit status {rc}; stderr: {child.stderr_text()!r}")
        elif rc == 0 and mode != "eof":
            problems.append("child exited by itself before the kill")

        problems += self._account(plan, child.lines)
        problems += self._check_db(full_integrity=self.cycles % self.integrity_every == 0)
        self.problems += [f"cycle {self.cycles}: {p}" for p in problems]
        return CycleReport(
            index=self.cycles, mode=mode, warm=warm, fed=len(plan), printed=len(child.lines),
            returncode=rc, partial_line=bool(partial), elapsed_s=time.monotonic() - t0,
            problems=problems,
        )

    def _kill(self, child: Child, n: int, problems: list[str]) -> str:
        """Let the child work, then SIGKILL it at a random moment; returns the kill mode."""
        r = self.rng.random()
        if not child.warm_started and r < 0.12:
            mode = "startup"
            time.sleep(self.rng.uniform(0.0, 0.35))
        elif r < 0.20:
            mode = "eof"  # all lines, end of input, kill while the store closes (or after exit)
            if not child.read_until(n):
                problems.append(f"fewer than {n} lines within {READ_TIMEOUT_S}s")
            child.close_stdin()
            _spin(self.rng.uniform(0.0, 0.004))
        else:
            k = self.rng.randint(0, n)
            if not child.read_until(k):
                problems.append(f"fewer than {k} lines within {READ_TIMEOUT_S}s")
            if self.rng.random() < 0.5:
                mode = "after_line"
            else:
                mode = "after_line+spin"
                _spin(self.rng.uniform(0.0, 0.003))
        child.kill()
        return mode

    def _account(self, plan: list[tuple[str, int | None, str]], lines: list[bytes]) -> list[str]:
        problems = []
        if len(lines) > len(plan):
            problems.append(f"{len(lines)} lines for {len(plan)} codes")
        for (kind, pid, _), raw in zip(plan, lines, strict=False):
            self.lines_total += 1
            try:
                out = json.loads(raw)
            except ValueError:
                problems.append(f"garbled line {raw[:80]!r}")
                continue
            outcome = out.get("outcome")
            if kind == "garbage":
                if outcome != "unreadable":
                    problems.append(f"garbage code gave {outcome}")
                continue
            if out.get("parent_id") != pid:
                problems.append(f"line for parent {out.get('parent_id')}, expected {pid}")
                continue
            cid = out.get("checkin_id")
            if outcome == "accepted":
                self.accepted_total += 1
                if kind == "repeat":
                    self.lost[pid] = (f"cycle {self.cycles}: parent {pid} was checked in "
                                      f"({self.confirmed[pid]}) but a repeat scan was accepted "
                                      f"again as {cid}")
                if not cid:
                    problems.append(f"accepted without checkin_id for parent {pid}")
                self.confirmed[pid] = cid
                self.inflight.discard(pid)
            elif outcome == "already_checked_in":
                if kind != "repeat":
                    # "inflight" parents were checked absent from the table after their cycle.
                    problems.append(f"{kind} parent {pid} has no record, yet already checked in")
            else:
                problems.append(f"unexpected outcome {outcome} for a {kind} parent {pid}")
        for kind, pid, _ in plan[len(lines):]:
            if kind == "new":
                self.inflight.add(pid)  # type: ignore[arg-type]
        return problems

    def _check_db(self, *, full_integrity: bool) -> list[str]:
        problems = []
        # Read-only: closing it does not checkpoint the WAL, so the next child still has to
        # recover the crashed WAL itself.
        conn = sqlite3.connect(f"file:{self.fx.db_path}?mode=ro", uri=True, timeout=10)
        try:
            rows = conn.execute(
                "SELECT id, parent_id, kind FROM records WHERE session_id = ?",
                (self.fx.session_id,),
            ).fetchall()
            dups = conn.execute(
                "SELECT session_id, parent_id, kind, count(*) FROM records NOT INDEXED "
                "GROUP BY session_id, parent_id, kind HAVING count(*) > 1"
            ).fetchall()
            if full_integrity:
                result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
                if result != ["ok"]:
                    self.integrity.append(f"cycle {self.cycles}: {result[:3]}")
                    problems.append(f"integrity_check: {result[:3]}")
        finally:
            conn.close()
        by_id = {rid: (pid, kind) for rid, pid, kind in rows}
        checked_in = {pid for _, pid, kind in rows if kind == "checkin"}
        for pid, cid in self.confirmed.items():
            if pid in self.lost:
                continue
            if cid is not None and by_id.get(cid) != (pid, "checkin"):
                self.lost[pid] = (f"cycle {self.cycles}: printed checkin {cid} (parent {pid}) "
                                  f"not in records (found {by_id.get(cid)})")
            elif cid is None and pid not in checked_in:
                self.lost[pid] = (f"cycle {self.cycles}: parent {pid} was checked in, "
                                  "but has no checkin record any more")
        for d in dups:
            self.duplicates.setdefault(tuple(d[:3]), f"cycle {self.cycles}: {d}")
        strangers = checked_in - self.fed_ever
        if strangers:
            problems.append(f"records for parents never scanned: {sorted(strangers)[:5]}")
        # Committed but never printed (killed between COMMIT and the line): legal, at most one
        # per cycle.  They count as checked in from now on, so repeats expect "already".
        unprinted = checked_in - set(self.confirmed)
        if len(unprinted) > 1:
            problems.append(f"{len(unprinted)} committed-but-unprinted records appeared in one "
                            "cycle (at most 1 can be in flight)")
        self.unprinted_records += len(unprinted)
        for pid in unprinted:
            self.inflight.discard(pid)
            self.confirmed[pid] = None
        return problems

    def final_check(self) -> list[str]:
        """Integrity with a read-write connection, then the product's own open (quick_check)."""
        self.close()
        conn = sqlite3.connect(self.fx.db_path, timeout=10)
        try:
            result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        finally:
            conn.close()
        if result != ["ok"]:
            self.integrity.append(f"final: {result[:3]}")
        from kiosk.core.store import Store, StoreError

        try:
            Store(self.fx.db_path).close()
        except StoreError as exc:
            self.integrity.append(f"final Store open: {exc}")
        return result

    def summary(self, elapsed: float) -> dict[str, Any]:
        conn = sqlite3.connect(f"file:{self.fx.db_path}?mode=ro", uri=True)
        try:
            records = conn.execute("SELECT count(*) FROM records").fetchone()[0]
        finally:
            conn.close()
        return {
            "cycles": self.cycles,
            "lines_read": self.lines_total,
            "confirmed_records": len(self.confirmed),
            "records_in_db": records,
            "committed_unprinted": self.unprinted_records,
            "lost": len(self.lost),
            "duplicates": len(self.duplicates),
            "other_problems": len(self.problems),
            "integrity": "ok" if not self.integrity else self.integrity[:3],
            "kill_modes": dict(sorted(self.modes.items())),
            "elapsed_s": round(elapsed, 1),
            "s_per_cycle": round(elapsed / max(self.cycles, 1), 3),
        }


def _spin(seconds: float) -> None:
    """Busy-wait: sleep() granularity is too coarse for sub-millisecond kill offsets."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cycles", type=int, default=1000)
    p.add_argument("--seed", type=int, default=20240601)
    p.add_argument("--parents", type=int, default=0,
                   help="parents in the bundle (default: enough for the cycles)")
    p.add_argument("--depth", type=int, default=3,
                   help="children started ahead of their cycle (0: every cycle cold)")
    p.add_argument("--max-run", type=int, default=8,
                   help="cycles per run; each run starts cold (mean share cold ~ 2/(max_run+1))")
    p.add_argument("--time-limit", type=float, default=900.0,
                   help="stop starting cycles after this many seconds (default 900)")
    p.add_argument("--workdir", type=Path, default=None, help="keep the data here (default: temp)")
    p.add_argument("--verbose", action="store_true", help="print each problem on stderr")
    args = p.parse_args(argv)

    # make_bundle sets the open class's capacity to parents + 10, and a class holds ≤ 10,000.
    parents = args.parents or min(9990, max(3000, args.cycles * 10))
    with tempfile.TemporaryDirectory(prefix="crash-storm-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        t_prep = time.monotonic()
        fx = prepare(workdir, parents)
        prep_s = time.monotonic() - t_prep
        storm = Storm(fx, random.Random(args.seed), workdir, depth=args.depth,
                      max_run=args.max_run)
        t0 = time.monotonic()
        try:
            while storm.cycles < args.cycles and time.monotonic() - t0 < args.time_limit:
                storm.cycle()
        finally:
            storm.close()
        storm.final_check()
        result = storm.summary(time.monotonic() - t0)
    result.update({"bench": "crash_storm", "seed": args.seed, "parents": parents,
                   "cycles_requested": args.cycles, "prepare_s": round(prep_s, 1),
                   "machine": machine()})
    if args.verbose:
        for line in [*storm.lost.values(), *storm.duplicates.values(), *storm.problems,
                     *storm.integrity]:
            print(line, file=sys.stderr)
    print(json.dumps(result, ensure_ascii=False))
    bad = storm.lost or storm.duplicates or storm.problems or storm.integrity
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
