"""Demo site bundles true to the programme, from ``sync/demo_programme.json``.

The demo kiosk and the demo platform (``credit-api init-demo``) build the same site from it, so
it lives with the wire contract both share.  The same arguments give the same ids (parents,
classes, names); only class times follow the clock, so a bundle can be remade later with
revocations added and the passes still match.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any

from sync.names import mask_name
from sync.protocol import (
    BUNDLE_FORMAT,
    BUNDLE_VERSION,
    Registration,
    Revocation,
    Session,
    SiteBundle,
    Trainer,
    TrustKey,
    Venue,
)

DEFAULT_VENUE = 101


def load_programme() -> dict[str, Any]:
    text = resources.files("sync").joinpath("demo_programme.json").read_text(encoding="utf-8")
    return json.loads(text)


def session_id(venue_id: int, template_id: int) -> int:
    return venue_id * 100 + template_id


def demo_parents(programme: dict[str, Any], venue_id: int, count: int) -> list[dict[str, Any]]:
    """Deterministic parents: id, masked name, phone last four, stage and credits."""
    rng = random.Random(f"starkiosk-demo:{venue_id}:{count}")
    ids = rng.sample(range(1_000_000, 9_999_999), count)
    surnames, given = programme["surnames"], programme["given"]
    out = []
    for pid in ids:
        name = rng.choice(surnames) + rng.choice(given)
        stage = rng.choices([1, 2, 3, 4, 5], weights=[40, 25, 15, 12, 8])[0]
        out.append(
            {
                "parent_id": pid,
                "masked_name": mask_name(name),
                "phone_last4": f"{rng.randrange(10000):04d}",
                "stage": stage,
                "stage_credits": rng.randrange(0, 20),
            }
        )
    return out


def make_bundle(
    keys: list[TrustKey],
    *,
    now: datetime | None = None,
    parents: int = 200,
    venue_id: int = DEFAULT_VENUE,
    revoke: list[int] | None = None,
) -> tuple[SiteBundle, dict[str, Any]]:
    """A site bundle for one demo venue, and a JSON-able summary of its ids."""
    now = (now or datetime.now(UTC)).replace(second=0, microsecond=0)
    programme = load_programme()
    venues = {v["id"]: v for v in programme["venues"]}
    if venue_id not in venues:
        raise ValueError(f"no demo venue {venue_id}; choose one of {sorted(venues)}")
    v = venues[venue_id]
    people = demo_parents(programme, venue_id, parents)
    rng = random.Random(f"starkiosk-demo-registrations:{venue_id}:{parents}")
    trainer_ids = {c["trainer"] for c in v["classes"]}
    trainers = [
        Trainer(id=t["id"], name=mask_name(t["name"]), organisation=t["organisation"])
        for t in programme["trainers"]
        if t["id"] in trainer_ids
    ]
    sessions, registrations, summary_sessions = [], [], []
    for c in v["classes"]:
        sid = session_id(venue_id, c["id"])
        if c.get("open_now"):
            capacity = min(10_000, max(c.get("capacity_min", 30), parents + 10))
            chosen = people
        else:
            capacity = c["capacity"]
            chosen = rng.sample(people, min(len(people), max(capacity - 5, 1)))
        starts = now + timedelta(minutes=c["start"])
        sessions.append(
            Session(
                id=sid, venue_id=venue_id, title=c["title"], series=c["series"], stage=c["stage"],
                starts_at=starts, ends_at=starts + timedelta(minutes=c["minutes"]),
                capacity=capacity, credits=c["credits"], room=c.get("room"),
                trainer_id=c["trainer"], walk_in_policy=c["walk_in_policy"],
                checkout_required=c["checkout_required"], status=c.get("status", "scheduled"),
            )
        )
        registrations += [Registration(session_id=sid, **p) for p in chosen]
        summary_sessions.append(
            {"id": sid, "title": c["title"], "starts_at": starts.isoformat(),
             "open_now": bool(c.get("open_now")), "status": c.get("status", "scheduled"),
             "registered": len(chosen)}
        )
    bundle = SiteBundle(
        format=BUNDLE_FORMAT,
        version=BUNDLE_VERSION,
        generated_at=now,
        venue=Venue(id=venue_id, name=v["name"], kind=v["kind"], district=v["district"]),
        trainers=trainers,
        sessions=sessions,
        registrations=registrations,
        keys=keys,
        revocations=[Revocation(pass_id=p, revoked_at=now) for p in (revoke or [])],
    )
    open_now = next(s["id"] for s in summary_sessions if s["open_now"])
    summary = {
        "venue": {"id": venue_id, "name": v["name"]},
        "open_session": open_now,
        "sessions": summary_sessions,
        "trainers": sorted(trainer_ids),
        "parents": [p["parent_id"] for p in people],
    }
    return bundle, summary
