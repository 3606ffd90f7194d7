"""One logging set-up for the whole kiosk: a rotating file in the data folder, warnings on stderr.

Modules log through ``logging.getLogger(__name__)``.  Never log a pass in full (use
``passes.mask_pass``), a full name or a phone number.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from kiosk.core.files import private_dir, private_file

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Every log file, the rotated ones too, readable by the kiosk's user only (POSIX)."""

    def _open(self):  # type: ignore[no-untyped-def]
        stream = super()._open()
        private_file(Path(self.baseFilename))
        return stream


def setup_logging(log_dir: Path | None, *, verbose: bool = False) -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_starkiosk", False):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    stderr = logging.StreamHandler()
    stderr.setLevel(logging.DEBUG if verbose else logging.WARNING)
    stderr.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    stderr._starkiosk = True  # type: ignore[attr-defined]
    root.addHandler(stderr)
    if log_dir is None:
        return
    try:
        private_dir(log_dir)
        handler = _PrivateRotatingFileHandler(
            log_dir / "kiosk.log", maxBytes=2_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError as exc:
        logging.getLogger(__name__).warning("cannot write the log file in %s: %s", log_dir, exc)
        return
    handler.setFormatter(logging.Formatter(FORMAT))
    handler._starkiosk = True  # type: ignore[attr-defined]
    root.addHandler(handler)
