"""Reading and writing site bundle files (the offline form of the site downloads)."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from sync.protocol import SiteBundle, describe_validation_error

MAX_BUNDLE_BYTES = 200 * 1024 * 1024


class BundleError(ValueError):
    """The file is not a usable site bundle; the message says what is wrong."""


def read_bundle(path: Path) -> SiteBundle:
    try:
        size = path.stat().st_size
        if size > MAX_BUNDLE_BYTES:
            raise BundleError(f"{path} is {size} bytes; a site bundle is at most {MAX_BUNDLE_BYTES}")
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise BundleError(f"{path} does not exist") from exc
    except IsADirectoryError as exc:
        raise BundleError(f"{path} is a folder, not a bundle file") from exc
    except OSError as exc:
        raise BundleError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        return SiteBundle.model_validate_json(data)
    except ValidationError as exc:
        raise BundleError(
            f"{path} is not a valid site bundle; nothing was imported.\n"
            + describe_validation_error(exc)
        ) from exc


def write_bundle(bundle: SiteBundle, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(bundle.model_dump_json(indent=1), encoding="utf-8")
    tmp.replace(path)
