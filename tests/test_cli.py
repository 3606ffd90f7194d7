"""The command line as a contract: real processes, real files, JSON lines."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.core.store import Store
from sync.parent_numbers import display_number

PY = sys.executable


def run(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PY, *args], input=stdin, capture_output=True, text=True, timeout=120,
        env={**os.environ, **(env or {})},
    )


def cli(data: Path, *args: str, stdin: str = "") -> tuple[int, list[dict], str]:
    out, err = io.StringIO(), io.StringIO()
    from contextlib import redirect_stderr

    with redirect_stderr(err):
        code = main(["--data-dir", str(data), *args], stdin=io.StringIO(stdin), stdout=out)
    lines = [json.loads(x) for x in out.getvalue().splitlines() if x.startswith("{")]
    return code, lines, err.getvalue()


@pytest.fixture(scope="module")
def material(tmp_path_factory) -> dict:
    """Keys, a bundle and passes made with the developer tools, as a tester would."""
    d = tmp_path_factory.mktemp("material")
    keys = d / "keys"
    r = run("-m", "kiosk.devtools", "keygen", "--out", str(keys))
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE((keys / "private_key.pem").stat().st_mode) == 0o600
    r = run("-m", "kiosk.devtools", "make-bundle", "--keys", str(keys), "--out",
            str(d / "bundle.json"), "--parents", "25")
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert re.fullmatch(r"[0-9A-F]{4}(-[0-9A-F]{4}){3}", summary["fingerprint"])
    r = run("-m", "kiosk.devtools", "issue-pass", "--keys", str(keys), "--json",
            *map(str, summary["parents"][:6]))
    passes = [json.loads(x) for x in r.stdout.splitlines()]
    assert len(passes) == 6 and all(len(p["text"]) == 120 and p["pass_id"] for p in passes)
    return {"dir": d, "keys": keys, "bundle": d / "bundle.json", "summary": summary,
            "passes": passes}


@pytest.fixture
def kiosk(tmp_path, material) -> Path:
    data = tmp_path / "kiosk"
    code, lines, err = cli(data, "import-bundle", str(material["bundle"]),
                           "--trust-fingerprint", material["summary"]["fingerprint"])
    assert code == 0, err
    assert lines[0]["imported"] is True and lines[0]["registrations"] > 25
    return data


def test_make_bundle_is_deterministic_apart_from_times(material, tmp_path):
    r = run("-m", "kiosk.devtools", "make-bundle", "--keys", str(material["keys"]), "--out",
            str(tmp_path / "b2.json"), "--parents", "25", "--revoke", "42")
    again = json.loads(r.stdout)
    assert again["parents"] == material["summary"]["parents"]
    assert [s["id"] for s in again["sessions"]] == [s["id"] for s in material["summary"]["sessions"]]
    assert sum(s["open_now"] for s in again["sessions"]) == 1
    assert json.loads((tmp_path / "b2.json").read_text())["document"]["revocations"][0]["pass_id"] == 42


def test_checkin_from_stdin_like_a_wedge_scanner(kiosk, material):
    sid = material["summary"]["open_session"]
    texts = [p["text"] for p in material["passes"]]
    # CR/LF endings, a Caps-Lock line, blank lines, a repeat and junk, as a scanner might send.
    stream = f"{texts[0]}\r\n\n{texts[1].lower()}\n  {texts[2]}  \n{texts[0]}\nNOT A PASS\n"
    r = run("-m", "kiosk", "--data-dir", str(kiosk), "checkin", "--session", str(sid),
            stdin=stream)
    assert r.returncode == 0, r.stderr
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["outcome"] for x in lines] == [
        "accepted", "accepted", "accepted", "already_checked_in", "unreadable"]
    assert all({"outcome", "reason", "parent"} <= x.keys() for x in lines)
    assert all("checkin_id" in x for x in lines[:3]) and "checkin_id" not in lines[3]
    assert lines[4]["parent"] is None
    assert "*" in lines[0]["parent"]
    with Store(kiosk / "kiosk.db") as s:
        ids = {r["id"] for r in s.records()}
    assert ids == {x["checkin_id"] for x in lines[:3]}


def test_checkin_codes_as_arguments_in_english(kiosk, material):
    sid = str(material["summary"]["open_session"])
    code, lines, _ = cli(kiosk, "checkin", "--session", sid, "--lang", "en", "--method", "camera",
                         material["passes"][3]["text"], material["passes"][3]["text"])
    assert code == 0
    assert lines[0]["reason"].startswith("Checked in")
    assert lines[1]["reason"].startswith("Already checked in at ")
    assert lines[0]["method"] == "camera"


def test_unknown_class_is_a_usage_error(kiosk, material):
    code, lines, err = cli(kiosk, "checkin", "--session", "4242", material["passes"][0]["text"])
    assert code == 2 and not lines
    assert "4242" in err and "classes here" in err


def test_broken_bundles_change_nothing(kiosk, tmp_path, material):
    with Store(kiosk / "kiosk.db") as s:
        before = s.db["registrations"].count
    good = json.loads(material["bundle"].read_text())["document"]
    cases = {
        "not json": "{ this is not json",
        "wrong format": json.dumps({**good, "format": "something-else"}),
        "full name": json.dumps({**good, "registrations": [
            {**good["registrations"][0], "masked_name": "王小明"}]}),
        "bad phone": json.dumps({**good, "registrations": [
            {**good["registrations"][0], "phone_last4": "13800138000"}]}),
        "bad key": json.dumps({**good, "keys": [{"key_id": 1, "public_key": "AAAA"}]}),
        "unknown session": json.dumps({**good, "registrations": [
            {**good["registrations"][0], "session_id": 999}]}),
    }
    for name, text in cases.items():
        path = tmp_path / f"{name}.json"
        if name != "not json":  # signed by the platform's own key: only the content is wrong
            text = json.dumps(_signed(json.loads(text), material))
        path.write_text(text, encoding="utf-8")
        code, lines, err = cli(kiosk, "import-bundle", str(path))
        assert code == 2, name
        assert "nothing was imported" in err or "not a valid" in err, (name, err)
    code, _, err = cli(kiosk, "import-bundle", str(tmp_path / "missing.json"))
    assert code == 2 and "does not exist" in err
    with Store(kiosk / "kiosk.db") as s:
        assert s.db["registrations"].count == before


def test_status_json(kiosk, material):
    sid = material["summary"]["open_session"]
    cli(kiosk, "checkin", "--session", str(sid), material["passes"][0]["text"])
    code, lines, _ = cli(kiosk, "status", "--json")
    assert code == 0
    status = lines[0]
    assert status["records"] == {"pending": 1, "acknowledged": 0, "parked": 0}
    cls = {c["id"]: c for c in status["classes"]}
    assert cls[sid]["checked_in"] == 1 and cls[sid]["open_now"] is True
    assert cls[sid]["registered"] == 25


def test_status_text_and_help(kiosk):
    out = io.StringIO()
    assert main(["--data-dir", str(kiosk), "status"], stdout=out) == 0
    assert "pending 0" in out.getvalue()
    r = run("-m", "kiosk", "--help")
    assert r.returncode == 0 and "import-bundle" in r.stdout and "close-out" in r.stdout


def test_export_csv_opens_in_excel(kiosk, material, tmp_path):
    sid = str(material["summary"]["open_session"])
    cli(kiosk, "checkin", "--session", sid, material["passes"][0]["text"],
        material["passes"][1]["text"])
    out = tmp_path / "roster.csv"
    code, lines, _ = cli(kiosk, "export", "--session", sid, "--format", "csv", "--out", str(out))
    assert code == 0 and lines[0]["rows"] == 25
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["序号", "家长编号", "姓名"]
    assert [r[8] for r in rows[1:]].count("已签到") == 2
    assert all("*" in r[2] for r in rows[1:])


def _signed(document: dict, material: dict) -> dict:
    from kiosk.devtools.keys import load_key
    from sync.offline import KIND_BUNDLE, sign_document

    key = load_key(material["keys"])
    return sign_document(document, KIND_BUNDLE, key.private, key.key_id)


def test_manual_lookup(tmp_path, material):
    bundle = json.loads(material["bundle"].read_text())["document"]
    sid = material["summary"]["open_session"]
    regs = [r for r in bundle["registrations"] if r["session_id"] == sid]
    for r in bundle["registrations"]:
        if r["phone_last4"] in ("1111", "2222"):
            r["phone_last4"] = "3333"
    regs[0]["phone_last4"] = regs[1]["phone_last4"] = "1111"  # two parents share the digits
    regs[2]["phone_last4"] = "2222"
    path = tmp_path / "b.json"
    path.write_text(json.dumps(_signed(bundle, material), ensure_ascii=False), encoding="utf-8")
    data = tmp_path / "k"
    assert cli(data, "import-bundle", str(path), "--trust-fingerprint",
               material["summary"]["fingerprint"])[0] == 0
    s = str(sid)

    code, lines, _ = cli(data, "manual", "--session", s, "--phone", "2222")
    assert code == 0 and lines[0]["outcome"] == "accepted" and lines[0]["method"] == "manual"
    assert lines[0]["parent_id"] == regs[2]["parent_id"]

    code, lines, _ = cli(data, "manual", "--session", s, "--phone", "1111")
    assert lines[0]["outcome"] == "choose"
    assert {c["parent_id"] for c in lines[0]["candidates"]} == {regs[0]["parent_id"], regs[1]["parent_id"]}
    assert all("*" in c["parent"] for c in lines[0]["candidates"])

    code, lines, _ = cli(data, "manual", "--session", s, "--phone", "1111",
                         "--parent", display_number(regs[1]["parent_id"]))
    assert lines[0]["outcome"] == "accepted" and lines[0]["parent_id"] == regs[1]["parent_id"]

    code, lines, _ = cli(data, "manual", "--session", s, "--phone", "1111",
                         "--surname", regs[0]["masked_name"][0])
    assert lines[0]["outcome"] in ("accepted", "choose")

    code, _, err = cli(data, "manual", "--session", s, "--phone", "2222",
                       "--parent", display_number(regs[0]["parent_id"]))
    assert code == 2 and "not among the matches" in err

    code, lines, _ = cli(data, "manual", "--session", s, "--phone", "3333" if not any(
        r["phone_last4"] == "3333" for r in regs) else "1111", "--lang", "en")
    assert code == 0
    code, _, err = cli(data, "manual", "--session", s, "--phone", "12")
    assert code == 2 and "four digits" in err
    with Store(data / "kiosk.db") as st:
        assert {r["method"] for r in st.records()} == {"manual"}
        assert len(st.records()) >= 2


def test_manual_parent_number_is_checked(tmp_path, material):
    """`manual --parent` takes the number on the card: a typo is refused (exit 2) and nothing
    is recorded; a walk-in by a number this kiosk does not know needs --confirm-unknown."""
    bundle = json.loads(material["bundle"].read_text())["document"]
    bundle["venue"]["legacy_parent_numbers"] = False  # every card shows the check digit
    path = tmp_path / "b.json"
    path.write_text(json.dumps(_signed(bundle, material), ensure_ascii=False), encoding="utf-8")
    data = tmp_path / "k"
    assert cli(data, "import-bundle", str(path), "--trust-fingerprint",
               material["summary"]["fingerprint"])[0] == 0
    sid = material["summary"]["open_session"]
    reg = next(r for r in bundle["registrations"] if r["session_id"] == sid)
    shown = display_number(reg["parent_id"])
    typo = shown[:-1] + str((int(shown[-1]) + 3) % 10)

    for args in (["--phone", reg["phone_last4"], "--parent", typo], ["--parent", typo],
                 ["--parent", str(reg["parent_id"])],  # a bare id: no longer taken here
                 ["--parent", "12ab"]):
        code, lines, err = cli(data, "manual", "--session", str(sid), *args)
        assert code == 2 and lines == [] and "编号有误，请核对" in err, (args, err)
    stranger = display_number(4000000001)
    code, lines, err = cli(data, "manual", "--session", str(sid), "--parent", stranger)
    assert code == 2 and "--confirm-unknown" in err
    with Store(data / "kiosk.db") as st:
        assert st.records() == []

    code, lines, _ = cli(data, "manual", "--session", str(sid), "--parent", shown)
    assert code == 0 and lines[0]["parent_id"] == reg["parent_id"]
    assert lines[0]["parent"] == reg["masked_name"] and lines[0]["number"]["known"]
    code, lines, _ = cli(data, "manual", "--session", str(sid), "--parent", stranger,
                         "--confirm-unknown")
    assert code == 0 and lines[0]["parent_id"] == 4000000001 and lines[0]["walk_in"]
    assert lines[0]["number"]["known"] is False
    code, _, err = cli(data, "manual", "--session", str(sid))
    assert code == 2 and "--phone" in err

    # close-out --add: the same check, before anything is queued.
    trainer_pass = material["passes"][0]["text"]  # refused before the pass is looked at
    for add, word in ((typo, "编号有误，请核对"), (stranger, "--confirm-unknown")):
        code, lines, err = cli(data, "close-out", "--session", str(sid), "--add", add,
                               "--reason", "培训师确认在场", stdin=trainer_pass + "\n")
        assert code == 2 and lines == [] and word in err, err
    with Store(data / "kiosk.db") as st:
        assert st.closeout_for(sid) is None


def test_data_dir_from_environment(tmp_path, material):
    data = tmp_path / "envdir"
    r = run("-m", "kiosk", "import-bundle", str(material["bundle"]), "--trust-fingerprint",
            material["summary"]["fingerprint"],
            env={"STARKIOSK_DATA_DIR": str(data)})
    assert r.returncode == 0, r.stderr
    assert (data / "kiosk.db").exists()
    assert (data / "logs" / "kiosk.log").exists()


def test_logs_never_hold_a_pass(kiosk, material):
    sid = str(material["summary"]["open_session"])
    texts = [p["text"] for p in material["passes"]]
    r = run("-m", "kiosk", "--data-dir", str(kiosk), "checkin", "--session", sid, *texts, "x" * 50)
    assert r.returncode == 0
    log = (kiosk / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "scan accepted" in log
    for t in texts:
        assert t[:20] not in log


def test_damaged_database_gives_a_clear_exit(tmp_path):
    data = tmp_path / "bad"
    data.mkdir()
    (data / "kiosk.db").write_bytes(b"garbage" * 1000)
    code, _, err = cli(data, "status")
    assert code == 3 and "backup" in err


def test_demo_runs(tmp_path):
    r = run("-m", "kiosk", "--data-dir", str(tmp_path), "--demo", "--cli")
    assert r.returncode == 0, r.stderr
    for word in ("accepted", "already_checked_in", "accepted_walk_in", "revoked", "expired",
                 "bad_signature", "unreadable"):
        assert word in r.stdout
    # Run twice: the demo folder is remade, not piled up.
    assert run("-m", "kiosk", "--data-dir", str(tmp_path), "--demo", "--cli").returncode == 0


def test_demo_refuses_to_wipe_a_folder_it_did_not_make(tmp_path):
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "precious.txt").write_text("keep me")
    r = run("-m", "kiosk", "--data-dir", str(tmp_path), "--demo")
    assert r.returncode == 3
    assert "not touching it" in r.stderr and "Traceback" not in r.stderr
    assert (tmp_path / "demo" / "precious.txt").exists()


def test_pass_png(material, tmp_path):
    out = tmp_path / "p.png"
    r = run("-m", "kiosk.devtools", "pass-png", "--out", str(out), material["passes"][0]["text"])
    assert r.returncode == 0 and out.read_bytes().startswith(b"\x89PNG")


def test_undecodable_scanner_bytes_are_unreadable_not_a_crash(kiosk, material):
    sid = str(material["summary"]["open_session"])
    stream = b"\xff\xfe\x80garbage\n" + material["passes"][4]["text"].encode() + b"\r\n"
    r = subprocess.run([PY, "-m", "kiosk", "--data-dir", str(kiosk), "checkin", "--session", sid],
                       input=stream, capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr
    lines = [json.loads(x) for x in r.stdout.decode("utf-8").splitlines()]
    assert [x["outcome"] for x in lines] == ["unreadable", "accepted"]


def test_config_file_with_bad_json_is_reported(tmp_path):
    (tmp_path / "settings.json").write_text("{nope", encoding="utf-8")
    code, _, err = cli(tmp_path, "status")
    assert code == 3 and "settings.json" in err


def test_settings_file_changes_the_opening_window(kiosk, material):
    later = next(s for s in material["summary"]["sessions"]
                 if not s["open_now"] and s["status"] == "scheduled"
                 and s["starts_at"] > material["summary"]["sessions"][0]["starts_at"])
    bundle = json.loads(material["bundle"].read_text())["document"]
    registered = {r["parent_id"] for r in bundle["registrations"] if r["session_id"] == later["id"]}
    text = next(p["text"] for p in material["passes"] if p["parent_id"] in registered) \
        if any(p["parent_id"] in registered for p in material["passes"]) else material["passes"][0]["text"]
    _, lines, _ = cli(kiosk, "checkin", "--session", str(later["id"]), text)
    assert lines[0]["outcome"] == "not_open_yet"
    (kiosk / "settings.json").write_text(json.dumps({"doors_open_before_min": 240}))
    _, lines, _ = cli(kiosk, "checkin", "--session", str(later["id"]), text)
    assert lines[0]["outcome"] in ("accepted", "not_registered")


# -- close-out: the trainer pass never on the command line (issue #13 item 10) ---------------


@pytest.fixture
def trainer_pass(kiosk, material) -> tuple[int, str]:
    """(class id, the pass of its trainer) for the class open now."""
    sid = material["summary"]["open_session"]
    with Store(kiosk / "kiosk.db") as store:
        trainer = store.session(sid).trainer_id
    r = run("-m", "kiosk.devtools", "issue-pass", "--keys", str(material["keys"]), "--role",
            "trainer", "--json", str(trainer))
    assert r.returncode == 0, r.stderr
    return sid, json.loads(r.stdout.splitlines()[0])["text"]


def _closed(kiosk: Path, sid: int) -> bool:
    with Store(kiosk / "kiosk.db") as store:
        return store.session(sid).status.value == "closed"


def test_close_out_refuses_the_trainer_pass_as_an_argument(kiosk, trainer_pass):
    """Other users of the PC see a process's arguments (`ps`): the pass must not be one."""
    sid, text = trainer_pass
    code, lines, err = cli(kiosk, "close-out", "--session", str(sid), "--trainer-pass", text)
    assert code == 2 and lines == []
    assert "--trainer-pass -" in err and "--trainer-pass-file" in err
    assert text not in err
    assert not _closed(kiosk, sid)


@pytest.mark.parametrize("how", [[], ["--trainer-pass", "-"]])
def test_close_out_reads_the_trainer_pass_from_standard_input(kiosk, trainer_pass, how):
    sid, text = trainer_pass
    code, lines, err = cli(kiosk, "close-out", "--session", str(sid), *how, stdin=text + "\r\n")
    assert code == 0, err
    assert lines[0]["closed"] is True and _closed(kiosk, sid)


def test_close_out_reads_the_trainer_pass_from_a_file(kiosk, trainer_pass, tmp_path):
    sid, text = trainer_pass
    f = tmp_path / "trainer-pass.txt"
    f.write_text(text + "\n", encoding="utf-8")
    code, lines, err = cli(kiosk, "close-out", "--session", str(sid), "--trainer-pass-file", str(f))
    assert code == 0, err
    assert lines[0]["closed"] is True and _closed(kiosk, sid)


def test_close_out_without_any_trainer_pass_says_how(kiosk, trainer_pass, tmp_path):
    sid, _ = trainer_pass
    code, _, err = cli(kiosk, "close-out", "--session", str(sid), stdin="")
    assert code == 2 and "trainer pass" in err and "standard input" in err
    code, _, err = cli(kiosk, "close-out", "--session", str(sid), "--trainer-pass-file",
                       str(tmp_path / "missing.txt"))
    assert code == 2 and "missing.txt" in err
    assert not _closed(kiosk, sid)


def test_close_out_trainer_pass_piped_into_a_real_process(kiosk, trainer_pass):
    sid, text = trainer_pass
    r = run("-m", "kiosk", "--data-dir", str(kiosk), "close-out", "--session", str(sid),
            stdin=text + "\n")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["closed"] is True
