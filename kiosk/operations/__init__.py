"""The jobs people do with a kiosk, as plain functions the screens and the command line share.

Each module is one job: ``roster`` (the table behind every export), ``checkin`` (codes and the
volunteer's phone look-up), ``status`` (the outbox and sync summary), ``outbox`` (parked records,
unpark), ``usb`` (site bundle in, signed upload out, receipt back), ``enrolment``, ``closeout``
(a trainer's sign-off submitted) and ``syncing`` (one pass with the retention purge).  They take
their collaborators (config, store, engine) as arguments, return plain data and raise
:class:`~kiosk.operations.common.OperationError`, whose ``reason`` the UI translates and whose
message the CLI prints.  No Qt here: ``lint-imports`` (pyproject.toml) keeps it so.
"""
