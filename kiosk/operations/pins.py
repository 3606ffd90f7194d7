"""The kiosk's two PINs without a screen: salted scrypt hashes, the "a PIN was set" marker and
the lock-out kept in the database.  The PIN pad (``kiosk/ui/pin.py``) and ``starkiosk
reset-admin-pin`` both use it.

* The hashes stay in ``settings.json`` (``admin_pin_hash``, ``trainer_pin_hash``), never the
  digits.  New PINs have :data:`MIN_LEN`–:data:`MAX_LEN` digits; a 4–5 digit PIN from an older
  version still opens the pad (the admin one must then be replaced at once).  Hashes with weaker
  scrypt parameters than :data:`SCRYPT_N` … are re-hashed on the next correct entry.
* The database keeps ``meta.admin_pin_set`` once an admin PIN was set, so a settings file that
  lost its hash does not bring the first-run default :data:`DEFAULT_ADMIN_PIN` back: the pad
  then refuses every PIN and says to run ``starkiosk reset-admin-pin`` at the PC.
* The lock-out (:class:`PinGuard`) is in the database too (``meta.pin_guard_<purpose>``), timed
  with the monotonic clock; see :meth:`PinGuard.load` for restarts.

Threat model (docs/install.md): the PIN keeps the public away from the admin screen; whoever can
open the data folder as the kiosk's user is its administrator, PIN or not.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk.config import Config
from kiosk.core.store import Store, StoreError

log = logging.getLogger(__name__)

DEFAULT_ADMIN_PIN = "123456"
MIN_LEN, MAX_LEN = 6, 8
LEGACY_MIN_LEN = 4  # PINs set before 6 digits were required still open the pad
MAX_TRIES = 5
LOCKOUT_S = 60.0  # the first lock-out; each further one in a row doubles, up to MAX_LOCKOUT_S
MAX_LOCKOUT_S = 900.0
PURPOSES = ("admin", "trainer")
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1  # 128 MiB and ~0.3 s a try on a desktop CPU
_MAX_MEM = 256 * 1024 * 1024  # a hash asking for more (a tampered file) is refused unread
META_ADMIN_SET = "admin_pin_set"
_BOOT_TOLERANCE_S = 2.0


# -- hashes ------------------------------------------------------------------------------------


def hash_pin(pin: str) -> str:
    """``scrypt$N$r$p$salt$hash`` (hex); a fresh 16-byte salt every time."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                            dklen=32, maxmem=_MAX_MEM)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def _params(stored: str) -> tuple[int, int, int, bytes, str] | None:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        n_, r_, p_ = int(n), int(r), int(p)
        salt_b = bytes.fromhex(salt)
    except (ValueError, TypeError, AttributeError):
        return None
    if (scheme != "scrypt" or n_ < 2 or n_ & (n_ - 1) or not 1 <= r_ <= 32 or not 1 <= p_ <= 4
            or 128 * n_ * r_ * p_ > _MAX_MEM // 2 or not 16 <= len(digest) <= 128):
        return None
    return n_, r_, p_, salt_b, digest


def verify_hash(pin: str, stored: str) -> bool:
    params = _params(stored)
    if params is None:
        return False
    n, r, p, salt, digest = params
    try:
        got = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=len(digest) // 2,
                             maxmem=_MAX_MEM)
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(got.hex(), digest.lower())


def needs_rehash(stored: str) -> bool:
    params = _params(stored)
    return params is None or params[:3] != (SCRYPT_N, SCRYPT_R, SCRYPT_P)


# -- the marker and the settings --------------------------------------------------------------


def _key(purpose: str) -> str:
    if purpose not in PURPOSES:
        raise ValueError(f"PIN purpose must be one of {PURPOSES}, not {purpose!r}")
    return f"{purpose}_pin_hash"


@contextmanager
def _store(db_path: Path) -> Iterator[Store]:
    store = Store(db_path, check=False)
    try:
        yield store
    finally:
        store.close()


def _marker(config: Config) -> str | None:
    """When the admin PIN was set ("unknown" when the database cannot be read: fail closed)."""
    try:
        with _store(config.db_path) as store:
            return store.get_meta(META_ADMIN_SET)
    except (StoreError, OSError) as exc:
        log.warning("cannot read the admin PIN marker: %s", exc)
        return "unknown"


def _set_marker(config: Config) -> None:
    try:
        with _store(config.db_path) as store, store.write():
            if store.get_meta(META_ADMIN_SET) is None:
                store.set_meta(META_ADMIN_SET, datetime.now(UTC).isoformat(timespec="seconds"))
    except (StoreError, OSError) as exc:
        log.warning("cannot keep the admin PIN marker: %s", exc)


def pin_is_set(config: Config, purpose: str) -> bool:
    return bool(config.get(_key(purpose)))


def admin_pin_lost(config: Config) -> bool:
    """An admin PIN was set on this kiosk but its hash is gone from settings.json."""
    return not pin_is_set(config, "admin") and _marker(config) is not None


def must_change(config: Config, purpose: str, pin: str | None = None) -> bool:
    """After a correct entry: the admin PIN is the first-run default, or shorter than now
    allowed (a trainer PIN of 4–5 digits keeps working until the admin sets another)."""
    if purpose != "admin":
        return False
    return not pin_is_set(config, "admin") or (pin is not None and len(pin) < MIN_LEN)


def check_pin(config: Config, purpose: str, pin: str) -> bool:
    stored = config.get(_key(purpose))
    if not stored:
        return (purpose == "admin" and hmac.compare_digest(pin, DEFAULT_ADMIN_PIN)
                and _marker(config) is None)
    if not verify_hash(pin, stored):
        return False
    if needs_rehash(stored):
        config.set(_key(purpose), hash_pin(pin))
        try:
            config.save()
            log.info("%s PIN re-hashed with stronger parameters", purpose)
        except OSError as exc:
            log.warning("cannot re-hash the %s PIN: %s", purpose, exc)
    if purpose == "admin":
        _set_marker(config)  # a kiosk from before the marker gets it on its first entry
    return True


def valid_new_pin(purpose: str, pin: str) -> str | None:
    """None when ``pin`` may be used; otherwise the (untranslated) reason word."""
    if not (pin.isascii() and pin.isdigit() and MIN_LEN <= len(pin) <= MAX_LEN):
        return "length"
    if purpose == "admin" and pin == DEFAULT_ADMIN_PIN:
        return "default"
    if len(set(pin)) == 1:
        return "trivial"
    return None


def set_pin(config: Config, purpose: str, pin: str) -> None:
    """Store a new PIN (hashed) and save the settings.  Raises ValueError for a PIN not allowed."""
    problem = valid_new_pin(purpose, pin)
    if problem:
        raise ValueError(f"this {purpose} PIN is not allowed ({problem}): use "
                         f"{MIN_LEN}-{MAX_LEN} digits, not all the same, not the default")
    config.set(_key(purpose), hash_pin(pin))
    config.save()
    if purpose == "admin":
        _set_marker(config)
    log.info("%s PIN changed", purpose)


def reset_admin_pin(config: Config, pin: str) -> None:
    """``starkiosk reset-admin-pin``: a new admin PIN and no lock-out (for whoever has a shell
    as the kiosk's user, i.e. the data folder anyway)."""
    set_pin(config, "admin", pin)
    guard = PinGuard.load(config.db_path, "admin")
    guard.succeeded()
    _guards.pop((str(config.data_dir), "admin"), None)
    log.warning("admin PIN reset from the command line")


# -- the lock-out ----------------------------------------------------------------------------


@dataclass
class PinGuard:
    """Counts wrong PINs; after ``max_tries`` the pad is locked, for ``lockout_s`` seconds the
    first time and twice as long each further time in a row (at most :data:`MAX_LOCKOUT_S`),
    until a right PIN.  Timed with ``mono`` (monotonic), so setting the clock does not shorten
    a lock.  With a ``db_path`` the state is kept in the database after every change."""

    max_tries: int = MAX_TRIES
    lockout_s: float = LOCKOUT_S
    now: Callable[[], float] = time.time
    mono: Callable[[], float] = time.monotonic
    failures: int = 0
    locks: int = 0
    lock_s: float = 0.0
    lock_mono: float = field(default=0.0)
    lock_wall: float = field(default=0.0)
    db_path: Path | None = None
    purpose: str = "admin"

    @classmethod
    def load(cls, db_path: Path, purpose: str, **kw: Any) -> PinGuard:
        """The kept state.  A lock still running continues where it was when the monotonic
        clock is the same one (same boot, wall clock not moved: wall − monotonic unchanged);
        otherwise — a reboot, a clock set forward or back — it starts again in full: never
        shorter, at most one lock longer."""
        guard = cls(db_path=db_path, purpose=purpose, **kw)
        try:
            with _store(db_path) as store:
                raw = store.get_meta(f"pin_guard_{purpose}")
            state = json.loads(raw) if raw else {}
            guard.failures = max(0, int(state.get("failures", 0)))
            guard.locks = max(0, int(state.get("locks", 0)))
            guard.lock_s = min(MAX_LOCKOUT_S, max(0.0, float(state.get("lock_s", 0.0))))
            guard.lock_mono = float(state.get("lock_mono", 0.0))
            guard.lock_wall = float(state.get("lock_wall", 0.0))
        except (StoreError, OSError, ValueError, TypeError, AttributeError) as exc:
            log.warning("PIN lock-out state unreadable (%s); starting afresh", exc)
            return guard
        if guard.lock_s and abs((guard.now() - guard.mono())
                                - (guard.lock_wall - guard.lock_mono)) > _BOOT_TOLERANCE_S:
            guard.lock_mono, guard.lock_wall = guard.mono(), guard.now()
            guard._save()
        return guard

    def remaining_lock(self) -> float:
        if not self.lock_s:
            return 0.0
        left = self.lock_s - max(0.0, self.mono() - self.lock_mono)
        if left <= 0:  # over: forget it, so that a reboot does not bring it back
            self.lock_s = self.lock_mono = self.lock_wall = 0.0
            self._save()
            return 0.0
        return left

    def tries_left(self) -> int:
        return max(0, self.max_tries - self.failures)

    def failed(self) -> None:
        self.failures += 1
        if self.failures >= self.max_tries:
            self.locks += 1
            self.lock_s = min(MAX_LOCKOUT_S, self.lockout_s * 2 ** (self.locks - 1))
            self.lock_mono, self.lock_wall = self.mono(), self.now()
            self.failures = 0
        self._save()

    def succeeded(self) -> None:
        self.failures = self.locks = 0
        self.lock_s = self.lock_mono = self.lock_wall = 0.0
        self._save()

    def _save(self) -> None:
        if self.db_path is None:
            return
        state = {"failures": self.failures, "locks": self.locks, "lock_s": self.lock_s,
                 "lock_mono": self.lock_mono, "lock_wall": self.lock_wall}
        try:
            with _store(self.db_path) as store, store.write():
                store.set_meta(f"pin_guard_{self.purpose}", json.dumps(state))
        except (StoreError, OSError) as exc:  # the lock still holds for this process
            log.warning("cannot keep the PIN lock-out state: %s", exc)


_guards: dict[tuple[str, str], PinGuard] = {}


def guard_for(config: Config, purpose: str) -> PinGuard:
    """One guard per data folder and purpose; its state survives a restart."""
    _key(purpose)
    key = (str(config.data_dir), purpose)
    if key not in _guards:
        _guards[key] = PinGuard.load(config.db_path, purpose)
    return _guards[key]
