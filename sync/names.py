"""Personal data minimisation helpers (PIPL): masked names and phone fragments only."""

from __future__ import annotations

import unicodedata

MAX_STARS = 8


def mask_name(full_name: str) -> str:
    """王小明 → 王*明, 李四 → 李*, 欧阳娜娜 → 欧**娜.  The kiosk never stores the full form.

    Very long names (e.g. Uyghur names with a middle dot) keep at most MAX_STARS asterisks, so the
    masked form always fits the 12 characters the wire format allows.
    """
    name = full_name.strip()
    if len(name) <= 1:
        return (name or "?") + "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * min(len(name) - 2, MAX_STARS) + name[-1]


def phone_last4(phone: str) -> str:
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", phone) if "0" <= ch <= "9")
    if len(digits) < 4:
        raise ValueError("a phone number needs at least four digits")
    return digits[-4:]
