"""What the credit API does, independent of HTTP: every function takes an open connection
inside a transaction, so the HTTP handlers and the admin commands share one implementation.

Only this package and :mod:`credit_api.keys` touch the tables.  Personal data is minimal: the
server keeps masked names and the last four phone digits, never a full name or number.

Where each use-case lives (everything is re-exported here, so callers write
``from credit_api import service as svc; svc.ingest(...)``):

* :mod:`~credit_api.service.common` — :class:`ApiError`, settings and policy, SQL helpers
* :mod:`~credit_api.service.programme` — venues, trainers, classes, parents, registrations
* :mod:`~credit_api.service.devices` — enrolment codes, enrolment, device tokens
* :mod:`~credit_api.service.pass_issuing` — issuing and revoking passes
* :mod:`~credit_api.service.feeds` — download pages (cursors) and attendance reports
* :mod:`~credit_api.service.records` — upload of check-in records
* :mod:`~credit_api.service.closeouts` — close-out, trainer sign-off, credit awards
* :mod:`~credit_api.service.trainers` — who may sign off a class, the walk-in cap, where
  trainer passes were used
* :mod:`~credit_api.service.ledgers` — a parent's stage, credits and stars
* :mod:`~credit_api.service.offline_sites` — site bundles out, USB uploads in
* :mod:`~credit_api.service.demo` — the demo programme
"""

from __future__ import annotations

from credit_api.service.closeouts import closeout
from credit_api.service.common import (
    ApiError,
    among,
    get_setting,
    insert_ignore,
    insert_new,
    log,
    next_seq,
    policy,
    set_setting,
    sha256_hex,
    to_json,
    today,
    transaction,
)
from credit_api.service.common import _local_date as _local_date
from credit_api.service.demo import init_demo
from credit_api.service.devices import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Device,
    authenticate,
    client_key,
    device_info,
    enrol,
    enrol_failed,
    enrol_wait,
    new_enrolment_code,
    normalise_code,
    register_device,
    revoke_device,
)
from credit_api.service.feeds import (
    DEFAULT_PAGE,
    decode_cursor,
    encode_cursor,
    registrations_page,
    report,
    revocations_page,
    sessions_page,
)
from credit_api.service.ledgers import ledger, load_ledger, set_ledger
from credit_api.service.offline_sites import (
    check_envelope,
    export_bundle,
    export_signed_bundle,
    import_offline_closeouts,
    import_records,
    signed_receipt,
)
from credit_api.service.pass_issuing import issue_pass, revoke_pass
from credit_api.service.programme import _session_model as _session_model
from credit_api.service.programme import (
    put_parent,
    put_session,
    put_trainer,
    put_venue,
    register,
    venue,
)
from credit_api.service.records import RECORD_SLACK, ingest
from credit_api.service.trainers import (
    DEFAULT_WALK_IN_CAP,
    authorise_trainer,
    is_authorised,
    pass_use_report,
    record_pass_use,
    set_walk_in_cap,
    walk_in_cap,
)

__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "DEFAULT_PAGE",
    "DEFAULT_WALK_IN_CAP",
    "RECORD_SLACK",
    "ApiError",
    "Device",
    "among",
    "authenticate",
    "authorise_trainer",
    "check_envelope",
    "client_key",
    "closeout",
    "decode_cursor",
    "device_info",
    "encode_cursor",
    "enrol",
    "enrol_failed",
    "enrol_wait",
    "export_bundle",
    "export_signed_bundle",
    "get_setting",
    "import_offline_closeouts",
    "import_records",
    "ingest",
    "init_demo",
    "insert_ignore",
    "insert_new",
    "is_authorised",
    "issue_pass",
    "ledger",
    "load_ledger",
    "log",
    "new_enrolment_code",
    "next_seq",
    "normalise_code",
    "pass_use_report",
    "policy",
    "put_parent",
    "put_session",
    "put_trainer",
    "put_venue",
    "record_pass_use",
    "register",
    "register_device",
    "registrations_page",
    "report",
    "revocations_page",
    "revoke_device",
    "revoke_pass",
    "sessions_page",
    "set_ledger",
    "set_setting",
    "set_walk_in_cap",
    "sha256_hex",
    "signed_receipt",
    "to_json",
    "today",
    "transaction",
    "venue",
    "walk_in_cap",
]
