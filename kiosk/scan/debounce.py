"""Debounce: a code must be seen in N frames before it is emitted, and only once while in view.

Pure state, one instance per camera pipeline.  The same code comes out again only after it has
been out of view for ``hold_s`` seconds; duplicates beyond that are the core's business
(``already_checked_in``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(slots=True)
class _Track:
    first_seen: float
    last_seen: float
    hits: int = 0
    emitted: bool = False


class Debouncer:
    def __init__(self, min_frames: int = 2, hold_s: float = 3.0, streak_gap_s: float = 1.0) -> None:
        if min_frames < 1:
            raise ValueError("min_frames must be at least 1")
        self.min_frames = min_frames
        self.hold_s = hold_s
        self.streak_gap_s = streak_gap_s
        self._tracks: dict[str, _Track] = {}

    def feed(self, texts: Iterable[str], t: float) -> list[tuple[str, float]]:
        """Codes seen in the frame captured at ``t`` → [(code, first seen)] ready to emit."""
        out = []
        for text in dict.fromkeys(texts):
            tr = self._tracks.get(text)
            if tr is None:
                tr = self._tracks[text] = _Track(first_seen=t, last_seen=t)
            elif not tr.emitted and t - tr.last_seen > self.streak_gap_s:
                tr.hits, tr.first_seen = 0, t  # a stale sighting does not count
            tr.hits += 1
            tr.last_seen = t
            if not tr.emitted and tr.hits >= self.min_frames:
                tr.emitted = True
                out.append((text, tr.first_seen))
        for text in [k for k, tr in self._tracks.items() if t - tr.last_seen > self.hold_s]:
            del self._tracks[text]
        return out

    def reset(self) -> None:
        self._tracks.clear()
