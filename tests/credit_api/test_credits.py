"""The five-stage rule as pure functions (no server needed)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from credit_api import credits as rules


def test_exact_threshold_earns_the_star() -> None:
    pol = rules.Policy((10, 15, 20, 25, 30))
    state = rules.LedgerState()
    assert rules.award(state, pol, 1, 9, "2026-11-23") == (1, [])
    assert rules.award(state, pol, 1, 1, "2026-11-24") == (1, [1])
    assert state.stage == 2 and state.stars == {1: "2026-11-24"}


def test_cascade_through_full_stages() -> None:
    pol = rules.Policy((10, 15, 20, 25, 30))
    state = rules.LedgerState(tallies={1: 9, 2: 15, 3: 20, 4: 0, 5: 0})
    stage, earned = rules.award(state, pol, 1, 1, "d")
    assert (stage, earned, state.stage) == (1, [1, 2, 3], 4)


def test_zero_threshold_is_passed_at_once() -> None:
    pol = rules.Policy((1, 0, 0, 5, 5))
    state = rules.LedgerState()
    assert rules.award(state, pol, 1, 1, "d")[1] == [1, 2, 3]


def test_completion_after_fifth_star() -> None:
    pol = rules.Policy((1, 1, 1, 1, 1), carry_over=True)
    state = rules.LedgerState()
    assert rules.award(state, pol, 1, 50, "d")[1] == [1, 2, 3, 4, 5]
    assert state.completed and state.stage == 5
    assert rules.award(state, pol, 1, 5, "e") == (5, [])


def test_policy_parse() -> None:
    assert rules.Policy.parse("1,2,3,4,5", "yes") == rules.Policy((1, 2, 3, 4, 5), True)
    assert rules.Policy.parse("10,15,20,25,30", "false").carry_over is False
    for bad in ("1,2,3", "1,2,3,4,-5", "a,b,c,d,e"):
        try:
            rules.Policy.parse(bad, "false")
        except ValueError:
            continue
        raise AssertionError(bad)


@given(st.lists(st.tuples(st.integers(1, 5), st.integers(0, 40)), max_size=30),
       st.booleans(), st.lists(st.integers(0, 30), min_size=5, max_size=5))
def test_invariants(awards: list[tuple[int, int]], carry: bool, thresholds: list[int]) -> None:
    pol = rules.Policy(tuple(thresholds), carry)  # type: ignore[arg-type]
    state = rules.LedgerState()
    total = 0
    for i, (stage, credits) in enumerate(awards):
        rules.award(state, pol, stage, credits, f"day{i}")
        total += credits
        # stars are earned in order, one per passed stage, never skipped
        assert sorted(state.stars) == list(range(1, len(state.stars) + 1))
        assert state.stage == min(len(state.stars) + 1, 5)
        # every passed stage reached its threshold; the current one has not (unless done)
        for s in state.stars:
            assert state.tallies[s] >= pol.threshold(s)
        if not state.completed:
            assert state.tallies[state.stage] < pol.threshold(state.stage)
        # credits are never lost or invented
        assert sum(state.tallies.values()) == total
