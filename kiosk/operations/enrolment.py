"""Enrolling a kiosk with the platform's one-time code (``starkiosk enrol``).

The first-run screen enrols through the sync service's worker, which calls the same
``sync.enrolment.enrol``; this is the blocking form for the command line.
"""

from __future__ import annotations

from typing import Any

from kiosk.config import Config
from kiosk.core.store import Store
from kiosk.operations.common import OperationError
from sync.engine import SyncResult
from sync.enrolment import EnrolError, enrol


def enrol_kiosk(config: Config, store: Store, url: str, code: str, *, name: str | None = None,
                ca_bundle: str | None = None,
                insecure: bool = False) -> tuple[dict[str, Any], SyncResult]:
    """Spend the code, keep the token, run the first full sync: (enrolment facts, sync result)."""
    try:
        return enrol(config.data_dir, store, url, code, name=name, ca_bundle=ca_bundle,
                     insecure=insecure)
    except EnrolError as exc:
        raise OperationError("enrol_failed", f"enrolment failed ({exc.error}): {exc}",
                             code=exc.error) from exc
