"""``python -m kiosk.devtools make-bundle``: every ``--revoke`` id reaches the signed bundle,
whether the ids are repeated (``--revoke A --revoke B``) or listed (``--revoke A B``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.devtools.__main__ import main
from kiosk.devtools.keys import load_key
from sync.offline import open_bundle


@pytest.mark.parametrize("argv, expected", [
    (["--revoke", "11", "12", "--revoke", "13"], [11, 12, 13]),
    (["--revoke", "21", "--revoke", "22"], [21, 22]),
    (["--revoke", "31", "32"], [31, 32]),
    ([], []),
])
def test_make_bundle_keeps_every_revoked_id(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                            argv: list[str], expected: list[int]) -> None:
    keys, out = tmp_path / "keys", tmp_path / "bundle.json"
    assert main(["keygen", "--out", str(keys)]) == 0
    assert main(["make-bundle", "--keys", str(keys), "--out", str(out), "--parents", "3",
                 *argv]) == 0
    key = load_key(keys)
    bundle = open_bundle(json.loads(out.read_text(encoding="utf-8")),
                         {key.key_id: key.private.public_key()})
    assert [r.pass_id for r in bundle.revocations] == expected
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["fingerprint"]
