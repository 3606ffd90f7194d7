"""Where bundled files live, whether running from a checkout, an install or a frozen bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def assets_dir() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "assets"
    return Path(__file__).resolve().parent.parent / "assets"


def asset_path(*parts: str) -> Path:
    path = assets_dir().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"bundled file missing: {path}")
    return path
