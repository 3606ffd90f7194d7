"""QR rendering of passes (kiosk/core/qr.py): small symbol, and a camera decoder reads it back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import base45
import pytest
import qrcode.constants
import qrcode.util
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core import qr
from sync import passes
from sync.passes import PassData, Role

KEY = Ed25519PrivateKey.from_private_bytes(b"\x07" * 32)
KEYS = {3: KEY.public_key(), 200: KEY.public_key()}
VALID_FROM = datetime(2025, 9, 1, tzinfo=UTC)
NOW = datetime(2025, 9, 10, 14, 0, tzinfo=UTC)


def issue(pass_id: int, parent_id: int, key_id: int = 3, role: Role = Role.PARENT) -> str:
    data = PassData(
        key_id=key_id,
        pass_id=pass_id,
        parent_id=parent_id,
        role=role,
        valid_from=VALID_FROM,
        valid_until=VALID_FROM + timedelta(days=365),
    )
    return passes.sign(data, KEY)


TYPICAL_PASSES = [
    issue(1, 1),
    issue(4_000_123, 31_415_926),
    issue(2**32 - 1, 2**32 - 1, key_id=200),
    issue(77, 88, role=Role.TRAINER),
    issue(123_456, 654_321),
]
IDS = ["small_ids", "typical", "max_ids_key200", "trainer", "other"]


@pytest.mark.parametrize("text", TYPICAL_PASSES, ids=IDS)
def test_typical_pass_fits_version_6_at_error_correction_m(text):
    symbol = qr.make_qr(text)
    assert symbol.error_correction == qrcode.constants.ERROR_CORRECT_M
    assert qr.ERROR_CORRECTION == qrcode.constants.ERROR_CORRECT_M
    assert symbol.version is not None
    assert 1 <= symbol.version <= 6


@pytest.mark.parametrize("text", TYPICAL_PASSES, ids=IDS)
def test_pass_is_encoded_in_alphanumeric_mode_not_bytes(text):
    # Byte mode would need a bigger symbol: the point of base45 is QR alphanumeric mode.
    symbol = qr.make_qr(text)
    modes = {chunk.mode for chunk in symbol.data_list}
    assert qrcode.util.MODE_8BIT_BYTE not in modes
    assert qrcode.util.MODE_ALPHA_NUM in modes


@settings(max_examples=40, deadline=None)
@given(raw=st.binary(min_size=79, max_size=79))
def test_any_pass_shaped_text_fits_version_6_m(raw):
    # Whatever the payload and signature bytes, the 120-character text fits version ≤ 6 at M.
    text = passes.PREFIX + base45.b45encode(raw).decode()
    assert len(text) == passes.TEXT_LEN
    symbol = qr.make_qr(text)
    assert symbol.error_correction == qrcode.constants.ERROR_CORRECT_M
    assert symbol.version <= 6


@pytest.mark.parametrize("text", TYPICAL_PASSES[:3], ids=IDS[:3])
def test_render_png_decodes_back_to_the_pass(text, tmp_path):
    import zxingcpp
    from PIL import Image as image_module

    out = tmp_path / "cards" / "pass.png"  # parent folder created on demand
    written = qr.render_png(text, out)
    assert written == out
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    with image_module.open(out) as image:
        results = zxingcpp.read_barcodes(image)
    assert len(results) == 1
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode
    decoded = results[0].text
    assert decoded == text

    result = passes.verify(decoded, KEYS, NOW, role=None)
    assert result.ok
    assert result.data == passes.parse(text)[0]
