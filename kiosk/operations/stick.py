"""Everything the platform put on a USB stick, imported in one go (the admin screen's 从U盘导入).

The site admin brings the stick back from the platform with a new site bundle and/or the
receipts of earlier uploads on it.  Each ``*.json`` file at the stick's top level is looked at:
signed site bundles are imported oldest first (so the newest wins, and an older copy left on the
stick is skipped as such), then signed receipts; the kiosk's own upload files are left alone.
Each file is verified as ``starkiosk import-bundle`` / ``import-receipt`` would; one bad file
does not stop the others, and a receipt imported twice changes nothing.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.config import Config
from kiosk.core.store import Store
from kiosk.operations.common import OperationError
from kiosk.operations.usb import import_receipt, import_site_bundle
from sync.offline import KIND_BUNDLE, KIND_RECEIPT

log = logging.getLogger(__name__)

MAX_FILES = 200  # a stick full of other things: look at this many JSON files at most


@dataclass
class StickImport:
    """What one import from a stick did, for the screen."""

    bundles: list[tuple[Path, Any]] = field(default_factory=list)  # (file, ImportSummary)
    receipts: list[tuple[Path, dict[str, Any]]] = field(default_factory=list)
    skipped_old: list[Path] = field(default_factory=list)
    failed: list[tuple[Path, OperationError]] = field(default_factory=list)

    @property
    def nothing_found(self) -> bool:
        return not (self.bundles or self.receipts or self.skipped_old or self.failed)


def _kind(path: Path) -> tuple[str | None, str]:
    """The signed document's kind and its ``generated_at`` (bundles), or (None, "")."""
    try:
        if path.stat().st_size > 256 * 1024 * 1024:
            return None, ""
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, ""
    if not isinstance(doc, dict) or doc.get("format") != "starkiosk-signed":
        return None, ""
    inner = doc.get("document")
    when = inner.get("generated_at", "") if isinstance(inner, dict) else ""
    return doc.get("kind"), str(when)


def import_from_stick(config: Config, store: Store, folder: Path) -> StickImport:
    """Import every signed bundle and receipt at the top of ``folder``."""
    result = StickImport()
    try:
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".json"
                       and p.is_file())[:MAX_FILES]
    except OSError as exc:
        raise OperationError("cannot_read", f"cannot read {folder}: {exc.strerror or exc}",
                             data=True) from exc
    kinds = [(p, *_kind(p)) for p in files]
    bundles = sorted(((when, p) for p, kind, when in kinds if kind == KIND_BUNDLE))
    for _, path in bundles:
        try:
            result.bundles.append((path, import_site_bundle(config, store, path)))
        except OperationError as exc:
            if exc.reason == "old_bundle":
                result.skipped_old.append(path)
            else:
                result.failed.append((path, exc))
            log.warning("stick: bundle %s not imported: %s", path.name, exc)
    for path in (p for p, kind, _ in kinds if kind == KIND_RECEIPT):
        try:
            result.receipts.append((path, import_receipt(config, store, path)))
        except OperationError as exc:
            result.failed.append((path, exc))
            log.warning("stick: receipt %s not imported: %s", path.name, exc)
    return result
