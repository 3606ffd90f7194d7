"""Qt Linguist translations.  The screens are written in Simplified Chinese (the default);
``starkiosk_<lang>.qm`` beside this file translates them (English: ``starkiosk_en``).

Regenerate with ``python -m kiosk.devtools i18n`` (lupdate → fill from ``en_strings`` → lrelease).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator

log = logging.getLogger(__name__)

I18N_DIR = Path(__file__).resolve().parent
LANGUAGES = ("zh", "en")
PSEUDO = "pseudo"  # a developer's check for long translations: every string half again as long


def qm_path(language: str) -> Path:
    return I18N_DIR / f"starkiosk_{language}.qm"


def install_translator(app: QCoreApplication, language: str) -> QTranslator | None:
    """Install the translator for ``language`` (none needed for Chinese); keep the result alive."""
    if language == PSEUDO:
        translator: QTranslator = PseudoTranslator(app)
        app.installTranslator(translator)
        return translator
    if language == "zh" or language not in LANGUAGES:
        return None
    translator = QTranslator(app)
    if not translator.load(str(qm_path(language))):
        log.warning("no translation for %s at %s; showing Chinese", language, qm_path(language))
        return None
    app.installTranslator(translator)
    return translator


class PseudoTranslator(QTranslator):
    """Stretches every screen string by half (placeholders kept), to find layouts that break
    when a translation is longer than the Chinese."""

    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str:
        return f"［{source}{'～' * max(1, len(source) // 2)}］"

    def isEmpty(self) -> bool:  # noqa: N802 (Qt API)
        return False
