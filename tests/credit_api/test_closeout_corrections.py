"""A close-out is never lost to one bad row: each correction is answered on its own (applied,
nothing to do, held back with a reason) and everyone else's credits are released once."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from credit_api import db as t
from sync.protocol import CloseoutResponse

from .conftest import Api, World


def _answers(resp: CloseoutResponse) -> list[tuple[str, str, str | None]]:
    return [(c.action, c.result, c.reason) for c in resp.corrections]


def test_a_stray_row_and_a_bad_addition_do_not_stop_thirty_parents(world: World,
                                                                   api: Api) -> None:
    sid = world.new_class(credits=3)
    pids = [world.new_parent(register_for=[sid]) for _ in range(29)]
    records = [world.record(sid, p) for p in pids]
    # The volunteer typed a walk-in number that does not exist: the platform refuses that row.
    stray = world.record(sid, 4_100_000_000 + uuid.uuid4().int % 1000, walk_in=True)
    results = api.upload(records + [stray])["results"]
    assert [r["result"] for r in results[:29]] == ["accepted"] * 29
    assert results[29] == {"id": stray["id"], "result": "rejected", "reason": "unknown_parent"}
    # The trainer removes the stray row, and adds a parent number that does not exist either.
    r = world.closeout(api, sid,
                       removals=[{"checkin_id": stray["id"], "reason": "编号打错"}],
                       additions=[{"parent_id": 4_199_999_999, "reason": "忘带手机"}])
    assert r.status_code == 200, r.text
    resp = CloseoutResponse.model_validate(r.json())
    assert _answers(resp) == [("remove", "nothing_to_do", "refused_at_upload"),
                              ("add", "held_back", "unknown_parent")]
    assert resp.corrections[0].detail == "unknown_parent"
    assert resp.corrections[1].parent_id == 4_199_999_999
    assert resp.held_back == 1 and resp.attendees == 29
    assert sorted(a.parent_id for a in resp.awards) == sorted(pids)
    assert all(world.ledger(api, p)["stage_credits"] == 3 for p in pids)
    # Once: the same close-out again answers the same, and awards nothing more.
    again = CloseoutResponse.model_validate(world.closeout(
        api, sid, cid=resp.id, removals=[{"checkin_id": stray["id"], "reason": "编号打错"}],
        additions=[{"parent_id": 4_199_999_999, "reason": "忘带手机"}]).json())
    assert again.repeated and again.corrections == resp.corrections
    with world.engine.begin() as conn:
        n = conn.execute(select(func.count()).select_from(t.credit_awards)
                         .where(t.credit_awards.c.session_id == sid)).scalar_one()
        status = conn.execute(select(t.sessions.c.status)
                              .where(t.sessions.c.id == sid)).scalar_one()
    assert n == 29 and status == "closed"


def test_the_platform_keeps_what_it_refused(world: World, api: Api) -> None:
    sid = world.new_class()
    stray = world.record(sid, 4_100_000_123)
    api.upload([stray])
    with world.engine.begin() as conn:
        row = conn.execute(select(t.refused_records)
                           .where(t.refused_records.c.id == stray["id"])).one()
    assert (row.session_id, row.parent_id, row.reason) == (sid, 4_100_000_123, "unknown_parent")
    assert row.device_id is not None


def test_a_removal_of_a_row_never_uploaded_is_held_back_not_fatal(world: World,
                                                                  api: Api) -> None:
    sid = world.new_class(credits=2)
    pid = world.new_parent(register_for=[sid])
    kept = world.record(sid, pid)
    api.upload([kept])
    other_class = world.new_class()
    elsewhere = world.record(other_class, world.new_parent(register_for=[other_class]))
    api.upload([elsewhere])
    never = str(uuid.uuid4())
    r = world.closeout(api, sid, removals=[{"checkin_id": never, "reason": "x"},
                                           {"checkin_id": elsewhere["id"], "reason": "y"}])
    assert r.status_code == 200, r.text
    resp = CloseoutResponse.model_validate(r.json())
    assert _answers(resp) == [("remove", "held_back", "not_uploaded"),
                              ("remove", "held_back", "not_this_class")]
    assert [a.parent_id for a in resp.awards] == [pid]
    assert world.ledger(api, pid)["stage_credits"] == 2


def test_walk_ins_over_the_cap_are_held_back_one_by_one(world: World, api: Api) -> None:
    from credit_api import service as svc

    sid = world.new_class(credits=2)
    with world.engine.begin() as conn:
        svc.set_walk_in_cap(conn, 2, session_id=sid)
    registered = world.new_parent(register_for=[sid])
    walk_ins = [world.new_parent() for _ in range(3)]
    r = world.closeout(api, sid, additions=[{"parent_id": p, "reason": "补录"}
                                            for p in [*walk_ins, registered]])
    assert r.status_code == 200, r.text
    resp = CloseoutResponse.model_validate(r.json())
    assert _answers(resp) == [("add", "applied", None), ("add", "applied", None),
                              ("add", "held_back", "walk_in_cap_exceeded"),
                              ("add", "applied", None)]
    assert sorted(a.parent_id for a in resp.awards) == sorted([*walk_ins[:2], registered])
    assert world.ledger(api, walk_ins[2])["stage_credits"] == 0


def test_corrections_already_true_are_nothing_to_do(world: World, api: Api) -> None:
    sid = world.new_class(credits=2)
    pid = world.new_parent(register_for=[sid])
    api.upload([world.record(sid, pid)])
    r = world.closeout(api, sid, additions=[{"parent_id": pid, "reason": "重复补录"}])
    resp = CloseoutResponse.model_validate(r.json())
    assert _answers(resp) == [("add", "nothing_to_do", "already_checked_in")]
    assert resp.held_back == 0 and [a.parent_id for a in resp.awards] == [pid]
