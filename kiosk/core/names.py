"""Personal data minimisation helpers (PIPL): masked names and phone fragments only."""

from __future__ import annotations


def mask_name(full_name: str) -> str:
    """王小明 → 王*明, 李四 → 李*, 欧阳娜娜 → 欧**娜.  The kiosk never stores the full form."""
    name = full_name.strip()
    if len(name) <= 1:
        return (name or "?") + "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def phone_last4(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) < 4:
        raise ValueError("a phone number needs at least four digits")
    return digits[-4:]
