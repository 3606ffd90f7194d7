"""``python -m kiosk.devtools i18n``: refresh the English translation of the screens.

1. ``pyside6-lupdate`` scans ``kiosk/ui`` and ``kiosk/services`` into ``kiosk/i18n/starkiosk_en.ts``
   (existing translations are kept; strings no longer in the code are dropped);
2. every message still without a translation is filled from :data:`kiosk.i18n.en_strings.EN`
   (keyed by the Chinese source text; a ``(context, source)`` key overrides it for one context);
   a translation already in the ``.ts`` (say, edited in Qt Linguist) is never overwritten;
3. ``pyside6-lrelease`` compiles ``starkiosk_en.qm``.

Idempotent: running it twice changes nothing.  Strings that still have no translation are listed
(and make ``--check`` fail), so a new string is never shipped untranslated unnoticed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
I18N = ROOT / "kiosk" / "i18n"
TS = I18N / "starkiosk_en.ts"
QM = I18N / "starkiosk_en.qm"
SOURCES = [ROOT / "kiosk" / "ui", ROOT / "kiosk" / "services"]
PLACEHOLDER = re.compile(r"%(?:\d+|n)|\{[a-z_]+\}")


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def find_tool(name: str) -> str | None:
    """A PySide6 tool: beside this interpreter (a venv's bin, often not on PATH), else on PATH."""
    return shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)


def _tool(name: str) -> str:
    found = find_tool(name)
    if found is None:
        raise SystemExit(f"{name} not found: it comes with PySide6 (pip install PySide6-Essentials)")
    return found


def lupdate() -> None:
    subprocess.run([_tool("pyside6-lupdate"), "-extensions", "py", "-locations", "none",
                    "-no-obsolete", "-source-language", "zh_CN", "-target-language", "en",
                    "-silent", *[str(p) for p in SOURCES], "-ts", str(TS)], check=True)


def lrelease() -> None:
    subprocess.run([_tool("pyside6-lrelease"), "-silent", str(TS), "-qm", str(QM)], check=True)


def messages(tree: ET.ElementTree) -> list[tuple[str, ET.Element]]:
    out = []
    for ctx in tree.getroot().iter("context"):
        name = ctx.findtext("name") or ""
        out.extend((name, msg) for msg in ctx.iter("message"))
    return out


def fill(ts: Path = TS) -> tuple[int, list[tuple[str, str]]]:
    """Fill untranslated messages from the dictionary; returns (filled, still missing)."""
    from kiosk.i18n.en_strings import EN

    tree = ET.parse(ts)
    filled, missing = 0, []
    for context, msg in messages(tree):
        source = msg.findtext("source") or ""
        tr = msg.find("translation")
        if tr is None:
            tr = ET.SubElement(msg, "translation")
        have = (tr.text or "").strip() and tr.get("type") not in ("unfinished", "vanished",
                                                                   "obsolete")
        english = EN.get((context, source)) or EN.get(source)  # type: ignore[call-overload]
        if not have and english is not None:
            tr.text = english
            tr.attrib.pop("type", None)
            filled += 1
        elif not have:
            missing.append((context, source))
    if filled:
        ET.indent(tree, space="    ")
        body = ET.tostring(tree.getroot(), encoding="unicode")
        ts.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n",
                      encoding="utf-8")
    return filled, missing


def check_placeholders(ts: Path = TS) -> list[str]:
    """Messages whose translation lost or gained a placeholder (%1, %n, {name})."""
    bad = []
    for context, msg in messages(ET.parse(ts)):
        source = msg.findtext("source") or ""
        translation = msg.findtext("translation") or ""
        if translation and placeholders(source) != placeholders(translation):
            bad.append(f"{context}: {source!r} → {translation!r}")
    return bad


def main(argv: list[str] | None = None) -> int:
    args = argv or []
    if "--check" not in args:
        lupdate()
    filled, missing = fill()
    bad = check_placeholders()
    if "--check" not in args:
        lrelease()
    print(f"{TS.relative_to(ROOT)}: {filled} filled from en_strings, {len(missing)} missing, "
          f"{len(bad)} placeholder problems")
    for context, source in missing:
        print(f"  missing [{context}] {source!r}", file=sys.stderr)
    for line in bad:
        print(f"  placeholder {line}", file=sys.stderr)
    return 1 if ("--check" in args and (missing or bad)) or bad else 0
