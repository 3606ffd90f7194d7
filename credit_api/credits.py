"""The five-stage, five-star credit rule (DESIGN §1), as pure functions.

* Each stage keeps its own tally.  A class's credits go to the tally of the class's stage, or
  to the parent's current stage when the class belongs to a stage already passed.
* When the current stage's tally reaches its threshold the parent earns that star (dated) and
  the next stage opens; that stage may already be full, so one award can cross several stages.
* ``carry_over`` (default off) moves the surplus above a threshold into the next stage's tally.
* After the fifth star the parent stays at stage 5 with ``completed`` set.
"""

from __future__ import annotations

from dataclasses import dataclass, field

STAGES = (1, 2, 3, 4, 5)
DEFAULT_THRESHOLDS = (10, 15, 20, 25, 30)


@dataclass(frozen=True)
class Policy:
    thresholds: tuple[int, int, int, int, int] = DEFAULT_THRESHOLDS
    carry_over: bool = False

    def threshold(self, stage: int) -> int:
        return self.thresholds[stage - 1]

    @staticmethod
    def parse(thresholds: str, carry_over: str) -> Policy:
        values = tuple(int(v) for v in thresholds.split(","))
        if len(values) != 5 or any(v < 0 for v in values):
            raise ValueError("stage_thresholds must be five whole numbers ≥ 0, e.g. 10,15,20,25,30")
        return Policy(values, carry_over.strip().lower() in ("1", "true", "yes", "on"))  # type: ignore[arg-type]


@dataclass
class LedgerState:
    stage: int = 1
    completed: bool = False
    tallies: dict[int, int] = field(default_factory=lambda: dict.fromkeys(STAGES, 0))
    stars: dict[int, str] = field(default_factory=dict)


def credit_stage(state: LedgerState, class_stage: int) -> int:
    """Which tally a class's credits go to."""
    return max(class_stage, state.stage)


def award(state: LedgerState, policy: Policy, class_stage: int, credits: int,
          date: str) -> tuple[int, list[int]]:
    """Add ``credits`` from a class of ``class_stage``; returns (tally stage, stars earned now)."""
    stage = credit_stage(state, class_stage)
    state.tallies[stage] = state.tallies.get(stage, 0) + credits
    return stage, advance(state, policy, date)


def advance(state: LedgerState, policy: Policy, date: str) -> list[int]:
    """Earn every star whose threshold the current stage has reached, in order."""
    earned: list[int] = []
    while not state.completed and state.tallies.get(state.stage, 0) >= policy.threshold(state.stage):
        s = state.stage
        state.stars[s] = date
        earned.append(s)
        if s == 5:
            state.completed = True
            break
        if policy.carry_over:
            surplus = state.tallies[s] - policy.threshold(s)
            state.tallies[s] -= surplus
            state.tallies[s + 1] = state.tallies.get(s + 1, 0) + surplus
        state.stage = s + 1
    return earned
