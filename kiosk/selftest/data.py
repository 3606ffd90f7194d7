"""The self-test's data checks: the database (store) and the trust list in it."""

from __future__ import annotations

import tempfile
from pathlib import Path

from kiosk import selftest
from kiosk.selftest.base import CheckFailed, CheckWarning, _Context

# The names the self-test looks for (and the hooks tests replace) are read from the package,
# kiosk.selftest, when a check runs: setting kiosk.selftest.X changes what the checks use.

# -- the checks ---------------------------------------------------------------


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".selftest-"):
            pass
    except OSError:
        return False
    return True


def check_store(ctx: _Context) -> str:
    from kiosk.config import Config
    from kiosk.core.store import Store, StoreError

    db_path = Config(ctx.data_dir).db_path
    note = ""
    if not selftest._writable(ctx.data_dir):
        tmp = tempfile.TemporaryDirectory(prefix="starkiosk-selftest-")
        ctx.temp_dirs.append(tmp)
        db_path = Path(tmp.name) / "kiosk.db"
        note = f" (the data folder {ctx.data_dir} is not writable: checked a temporary database)"
    try:
        with Store(db_path) as store:  # opens or creates, quick_check, migrations
            store.quick_check()
            counts = store.record_counts()
            schema = store.schema_version()
    except (StoreError, OSError) as exc:
        raise CheckFailed(str(exc)) from exc
    ctx.db_path = db_path
    detail = (f"{db_path.name} opens, quick_check ok, schema {schema}, "
              f"{counts['pending']} records waiting to upload{note}")
    if note:
        raise CheckWarning(detail)
    return detail


def check_trust(ctx: _Context) -> str:
    from kiosk.core.store import Store, StoreError

    if ctx.db_path is None:
        raise CheckWarning("skipped: the database could not be opened (see the store check)")
    try:
        with Store(ctx.db_path, check=False) as store:
            keys = store.trust_keys()
            venue = store.venue()
    except (StoreError, OSError, ValueError) as exc:
        raise CheckFailed(f"the trust list cannot be read: {exc}") from exc
    if not keys:
        raise CheckWarning("not enrolled yet: no platform keys, so no pass can be checked. "
                           "Enrol the kiosk or import a site bundle.")
    where = f" for {venue['name']}" if venue else ""
    return f"{len(keys)} platform key(s){where} (ids {', '.join(map(str, sorted(keys)))})"
