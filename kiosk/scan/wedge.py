"""Keyboard-wedge scanners: tell a scanner's burst of keys from a person typing.

A scanner types the whole pass, then Enter, with a few milliseconds between keys; a person
needs 80 ms or more.  Keys are collected while they come fast; a slow gap starts over; Enter
completes a code only when the burst was long and fast enough.  Pure state (times in ms),
wired to Qt key events by ``kiosk.services.wedge``.
"""

from __future__ import annotations

import unicodedata


class WedgeAssembler:
    def __init__(self, *, max_gap_ms: float = 100.0, mean_gap_ms: float = 40.0,
                 min_length: int = 10, max_length: int = 512) -> None:
        self.max_gap_ms = max_gap_ms
        self.mean_gap_ms = mean_gap_ms
        self.min_length = min_length
        self.max_length = max_length
        self._chars: list[str] = []
        self._first = 0.0
        self._last = 0.0

    @property
    def pending(self) -> int:
        return len(self._chars)

    def reset(self) -> None:
        self._chars.clear()

    def key(self, text: str, t_ms: float) -> None:
        """One key's text (may be several characters from an input method's commit)."""
        text = unicodedata.normalize("NFKC", text)
        if not text or not text.isprintable():
            return
        if self._chars and (t_ms - self._last > self.max_gap_ms or len(self._chars) >= self.max_length):
            self._chars.clear()  # a pause: whatever came before was a person, or noise
        if not self._chars:
            self._first = t_ms
        self._chars.extend(text)
        self._last = t_ms

    def enter(self, t_ms: float) -> str | None:
        """Enter (or Tab) pressed: the assembled code if this was a scanner's burst."""
        chars, first, last = self._chars[:], self._first, self._last
        self._chars.clear()
        if len(chars) < self.min_length or t_ms - last > self.max_gap_ms:
            return None
        mean = (last - first) / (len(chars) - 1)
        if mean > self.mean_gap_ms:
            return None
        return "".join(chars)
