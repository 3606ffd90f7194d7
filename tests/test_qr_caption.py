"""A printed parent's pass carries the number people type under the QR symbol, and the symbol
still reads as the pass."""

from __future__ import annotations

import io

import numpy as np
import pytest
import zxingcpp
from PIL import Image

from sync.parent_numbers import display_number
from sync.qr_image import qr_image, write_qr_png


def _decode(img: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(np.asarray(img.convert("L")))]


def test_the_caption_sits_under_a_symbol_that_still_reads(tmp_path):
    text = "STARPASS-TEST-" + "A" * 60
    plain = qr_image(text)
    captioned = qr_image(text, caption=display_number(1234567))
    assert captioned.width == plain.width and captioned.height > plain.height
    assert _decode(captioned) == [text]
    band = np.asarray(captioned)[plain.height - 16:, :]
    assert (band < 128).sum() > 200  # dark pixels: the digits were drawn
    assert (np.asarray(plain)[-16:, :] < 128).sum() == 0  # a plain symbol's margin is white
    out = write_qr_png(text, tmp_path / "card.png", caption="12345674")
    assert _decode(Image.open(io.BytesIO(out.read_bytes()))) == [text]
    assert not list(tmp_path.glob("*.tmp"))


def test_only_ascii_captions():
    with pytest.raises(ValueError):
        qr_image("x", caption="王*明")


def test_issue_pass_png_is_captioned_with_the_parent_number(tmp_path, monkeypatch):
    pytest.importorskip("sqlalchemy")
    from credit_api import cli

    monkeypatch.setenv("STARKIOSK_CREDIT_DATA_DIR", str(tmp_path / "platform"))
    db = f"sqlite:///{tmp_path / 'p.sqlite3'}"
    assert cli.main(["init-demo", "--db", db], out=io.StringIO()) == 0
    out = io.StringIO()
    parent = 1234567
    from credit_api import db as cdb
    from credit_api import service as svc

    engine = cdb.make_engine(db)
    with engine.begin() as conn:
        svc.put_parent(conn, parent, "王*明", "3821", cdb.now_utc())
    engine.dispose()
    assert cli.main(["issue-pass", str(parent), "--png", str(tmp_path / "p.png"), "--db", db],
                    out=out) == 0
    img = Image.open(tmp_path / "p.png")
    assert _decode(img) == [out.getvalue().strip()]
    assert img.height > img.width  # the caption band under the square symbol
