"""`starkiosk --self-test`: every check, its report, and the exit status a site admin sees."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from kiosk import selftest
from kiosk.cli import main
from kiosk.core.store import Store
from kiosk.devtools.keys import SigningKey
from sync.demo import make_bundle

from .conftest import NOW


def run_cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["--self-test", *args], stdout=out)
    return code, out.getvalue()


def by_name(report: dict) -> dict[str, dict]:
    return {c["name"]: c for c in report["checks"]}


def test_fresh_folder_passes_with_warnings(tmp_path: Path) -> None:
    code, text = run_cli("--data-dir", str(tmp_path), "--json")
    report = json.loads(text)
    checks = by_name(report)
    assert code == 0 and report["ok"] is True
    assert list(checks) == ["store", "trust list", "decoder", "frames", "translations",
                            "sounds", "camera", "qt"]
    assert checks["store"]["status"] == "ok"
    assert (tmp_path / "kiosk.db").exists()  # opened or created in the data folder
    assert checks["trust list"]["status"] == "warn"
    assert "not enrolled yet" in checks["trust list"]["detail"]
    for name in ("decoder", "frames", "translations", "qt"):
        assert checks[name]["status"] == "ok", checks[name]
    # Sound: ready on this PC's audio output, or a warning when it has none (a CI runner).
    sound = checks["sounds"]
    if sound["status"] == "ok":
        assert "ready to play on" in sound["detail"], sound
    else:
        assert sound["status"] == "warn" and "no audio output" in sound["detail"], sound


def test_enrolled_kiosk_reports_its_keys(tmp_path: Path, signing_key: SigningKey) -> None:
    bundle, _ = make_bundle([signing_key.trust_key()], now=NOW, parents=5)
    with Store(tmp_path / "kiosk.db") as store:
        store.import_bundle(bundle)
    checks = by_name(selftest.run_checks(tmp_path, camera="none").to_json())
    assert checks["trust list"]["status"] == "ok"
    assert "1 platform key" in checks["trust list"]["detail"]
    assert checks["camera"]["status"] == "warn"  # scanner only: a warning, never a failure


def test_readable_report(tmp_path: Path) -> None:
    code, text = run_cli("--data-dir", str(tmp_path))
    assert code == 0
    assert "[ OK ] decoder" in text
    assert "[WARN] trust list" in text
    assert text.rstrip().endswith("warning(s).")


def test_damaged_database_fails(tmp_path: Path) -> None:
    (tmp_path / "kiosk.db").write_bytes(b"this is not a database" * 200)
    code, text = run_cli("--data-dir", str(tmp_path), "--json")
    report = json.loads(text)
    checks = by_name(report)
    assert code == 1 and report["ok"] is False
    assert checks["store"]["status"] == "fail"
    assert "restore" in checks["store"]["detail"]  # says what to do
    assert checks["decoder"]["status"] == "ok"  # one failure does not stop the others


def test_missing_bundled_file_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty_assets = tmp_path / "assets"
    empty_assets.mkdir()
    monkeypatch.setattr("kiosk.assets.assets_dir", lambda: empty_assets)
    code, text = run_cli("--data-dir", str(tmp_path / "data"))
    assert code == 1
    assert "[FAIL] decoder" in text and "bundled file missing" in text
    assert "[FAIL] sounds" in text
    assert "[FAIL] frames" in text and "test video cannot be played" in text
    assert "FAILED: 3 check(s) failed" in text


def test_damaged_sound_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assets = tmp_path / "assets"
    (assets / "sounds").mkdir(parents=True)
    for name in selftest.SOUNDS:
        (assets / "sounds" / f"{name}.wav").write_bytes(b"RIFF\0\0\0\0not a wave")
    monkeypatch.setattr("kiosk.assets.assets_dir", lambda: assets)
    checks = by_name(selftest.run_checks(tmp_path / "data", camera="none").to_json())
    assert checks["sounds"]["status"] == "fail"
    assert "not a valid WAV" in checks["sounds"]["detail"]


def test_no_audio_output_is_a_warning_not_ok(tmp_path: Path) -> None:
    """Qt then loads every sound as Error ("format not supported"): nothing would be heard, and the
    self-test says so instead of "ok"."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PULSE_SERVER": f"unix:{tmp_path / 'no-such-socket'}",
           "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "XDG_RUNTIME_DIR": str(tmp_path), "PULSE_RUNTIME_PATH": str(tmp_path)}
    script = ("import json, sys\nfrom pathlib import Path\nfrom kiosk import selftest\n"
              "r = selftest.run_checks(Path(sys.argv[1]), camera='none').to_json()\n"
              "print(json.dumps([c for c in r['checks'] if c['name'] == 'sounds'][0]))\n")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "data")], env=env,
                          capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr[-2000:]
    sound = json.loads(done.stdout.strip().splitlines()[-1])
    assert sound["status"] == "warn", sound
    assert "no audio output" in sound["detail"] and "silent" in sound["detail"]


def test_wrong_translation_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selftest, "KNOWN_TRANSLATION", ("AdminScreen", "状态与管理", "Nope"))
    checks = by_name(selftest.run_checks(tmp_path, camera="none").to_json())
    assert checks["translations"]["status"] == "fail"


def test_unwritable_data_folder_uses_a_temporary_database(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selftest, "_writable", lambda folder: False)
    checks = by_name(selftest.run_checks(tmp_path / "locked", camera="none").to_json())
    assert checks["store"]["status"] == "warn"
    assert "not writable" in checks["store"]["detail"]
    assert not (tmp_path / "locked" / "kiosk.db").exists()


def test_no_camera_is_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kiosk.scan.sources import NullSource

    monkeypatch.setattr("kiosk.scan.sources.make_source", lambda spec: NullSource())
    checks = by_name(selftest.run_checks(tmp_path, camera="camera:0").to_json())
    assert checks["camera"]["status"] == "warn"
    assert "scanner" in checks["camera"]["detail"]


def test_unexpected_error_is_a_failure_not_a_crash(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(ctx: object) -> str:
        raise RuntimeError("broken install")

    monkeypatch.setattr(selftest, "CHECKS", [("qt", boom), *selftest.CHECKS[:1]])
    report = selftest.run_checks(tmp_path, camera="none")
    assert report.failed
    assert report.checks[0].detail == "RuntimeError: broken install"
    assert report.checks[1].status == "ok"


def test_bundled_qr_matches_the_fixed_text() -> None:
    from kiosk.assets import asset_path
    from kiosk.services.images import decode_file

    assert decode_file(str(asset_path(*selftest.SELFTEST_PNG))).texts == [selftest.SELFTEST_TEXT]


@pytest.mark.parametrize("backend", ["qt", "opencv"])
def test_frames_check_plays_the_video_through_the_camera_back_end(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str) -> None:
    monkeypatch.setenv("STARKIOSK_CAMERA_BACKEND", backend)
    checks = by_name(selftest.run_checks(tmp_path, camera="none").to_json())
    assert checks["frames"]["status"] == "ok", checks["frames"]
    assert f"({backend} back-end)" in checks["frames"]["detail"]
    assert checks["frames"]["detail"].endswith("deblurring ok")  # numpy's FFT is there


def test_frames_check_fails_when_the_video_gives_no_code(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from kiosk.assets import asset_path

    assets = tmp_path / "assets"
    (assets / "selftest").mkdir(parents=True)
    # The real video, while the check looks for another text: no frame gives it.
    shutil.copy(asset_path(*selftest.SELFTEST_VIDEO), assets / "selftest" / "qr.avi")
    monkeypatch.setattr(selftest, "SELFTEST_TEXT", "SOMETHING-ELSE")
    monkeypatch.setattr("kiosk.assets.assets_dir", lambda: assets)
    checks = by_name(selftest.run_checks(tmp_path / "data", camera="none").to_json())
    assert checks["frames"]["status"] == "fail"
    assert "no code within 5 s" in checks["frames"]["detail"]


def test_a_qt_binding_that_loses_none_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert selftest.none_refs_lost() == 0  # the installed binding is sound
    monkeypatch.setattr(selftest, "none_refs_lost", lambda: 200)
    checks = by_name(selftest.run_checks(tmp_path, camera="none").to_json())
    assert checks["qt"]["status"] == "fail"
    assert "abort after minutes" in checks["qt"]["detail"]
