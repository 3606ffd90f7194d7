"""The initial schema of the central credit API.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from credit_api.db import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

DEFAULT_SETTINGS = {
    "stage_thresholds": "10,15,20,25,30",
    "carry_over": "false",
    "enrol_code_hours": "48",
}


def upgrade() -> None:
    op.create_table(
        "settings",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "counters",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("value", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "venues",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(120), nullable=False),
        sa.Column("district", sa.String(120), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
    )
    op.create_table(
        "trainers",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("masked_name", sa.String(12), nullable=False),
        sa.Column("organisation", sa.String(120)),
    )
    op.create_table(
        "parents",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("masked_name", sa.String(12), nullable=False),
        sa.Column("phone_last4", sa.String(4), nullable=False),
        sa.Column("stage", sa.Integer, nullable=False),
        sa.Column("completed", sa.Boolean, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "stage_credits",
        sa.Column("parent_id", sa.BigInteger, sa.ForeignKey("parents.id"), nullable=False),
        sa.Column("stage", sa.Integer, nullable=False),
        sa.Column("credits", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("parent_id", "stage"),
    )
    op.create_table(
        "stars",
        sa.Column("parent_id", sa.BigInteger, sa.ForeignKey("parents.id"), nullable=False),
        sa.Column("stage", sa.Integer, nullable=False),
        sa.Column("earned_on", sa.String(10), nullable=False),
        sa.Column("session_id", sa.BigInteger),
        sa.PrimaryKeyConstraint("parent_id", "stage"),
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("venue_id", sa.BigInteger, sa.ForeignKey("venues.id"), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("series", sa.String(120), nullable=False),
        sa.Column("stage", sa.Integer, nullable=False),
        sa.Column("starts_at", UTCDateTime, nullable=False),
        sa.Column("ends_at", UTCDateTime, nullable=False),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("credits", sa.Integer, nullable=False),
        sa.Column("room", sa.String(120)),
        sa.Column("trainer_id", sa.BigInteger),
        sa.Column("walk_in_policy", sa.String(16), nullable=False),
        sa.Column("checkout_required", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
    )
    op.create_index("sessions_venue_seq", "sessions", ["venue_id", "seq", "id"])
    op.create_table(
        "registrations",
        sa.Column("session_id", sa.BigInteger, sa.ForeignKey("sessions.id"), nullable=False),
        sa.Column("parent_id", sa.BigInteger, sa.ForeignKey("parents.id"), nullable=False),
        sa.Column("venue_id", sa.BigInteger, nullable=False),
        sa.Column("withdrawn", sa.Boolean, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("session_id", "parent_id"),
    )
    op.create_index("registrations_venue_seq", "registrations",
                    ["venue_id", "seq", "session_id", "parent_id"])
    op.create_index("registrations_parent", "registrations", ["parent_id"])
    op.create_table(
        "signing_keys",
        sa.Column("key_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("retired_at", UTCDateTime),
        sa.Column("not_after", UTCDateTime),
    )
    op.create_table(
        "passes",
        sa.Column("pass_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("holder_id", sa.BigInteger, nullable=False),
        sa.Column("role", sa.String(8), nullable=False),
        sa.Column("key_id", sa.Integer, nullable=False),
        sa.Column("valid_from", UTCDateTime, nullable=False),
        sa.Column("valid_until", UTCDateTime, nullable=False),
        sa.Column("issued_at", UTCDateTime, nullable=False),
        sa.Column("revoked_at", UTCDateTime),
    )
    op.create_index("passes_holder", "passes", ["holder_id"])
    op.create_table(
        "revocations",
        sa.Column("pass_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("revoked_at", UTCDateTime, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
    )
    op.create_index("revocations_seq", "revocations", ["seq", "pass_id"])
    op.create_table(
        "devices",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("venue_id", sa.BigInteger, sa.ForeignKey("venues.id"), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("enrolled_at", UTCDateTime, nullable=False),
        sa.Column("revoked_at", UTCDateTime),
        sa.Column("last_seen_at", UTCDateTime),
    )
    op.create_table(
        "enrolment_codes",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column("venue_id", sa.BigInteger, sa.ForeignKey("venues.id"), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("expires_at", UTCDateTime, nullable=False),
        sa.Column("used_at", UTCDateTime),
        sa.Column("device_id", sa.Integer),
    )
    op.create_table(
        "records",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("session_id", sa.BigInteger, nullable=False),
        sa.Column("parent_id", sa.BigInteger, nullable=False),
        sa.Column("pass_id", sa.BigInteger),
        sa.Column("method", sa.String(8), nullable=False),
        sa.Column("walk_in", sa.Boolean, nullable=False),
        sa.Column("device_time", UTCDateTime, nullable=False),
        sa.Column("clock_offset_ms", sa.BigInteger, nullable=False),
        sa.Column("received_at", UTCDateTime, nullable=False),
        sa.Column("device_id", sa.Integer),
        sa.Column("source", sa.String(8), nullable=False),
        sa.Column("removed_reason", sa.String(200)),
        sa.Column("removed_by", sa.String(36)),
        sa.UniqueConstraint("session_id", "parent_id", "kind",
                            name="records_one_per_parent_class"),
    )
    op.create_table(
        "duplicate_records",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("duplicate_of_session", sa.BigInteger, nullable=False),
        sa.Column("parent_id", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("device_id", sa.Integer),
        sa.Column("received_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "closeouts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("session_id", sa.BigInteger, nullable=False, unique=True),
        sa.Column("trainer_id", sa.BigInteger, nullable=False),
        sa.Column("trainer_pass_id", sa.BigInteger, nullable=False),
        sa.Column("device_id", sa.Integer),
        sa.Column("closed_at", UTCDateTime, nullable=False),
        sa.Column("response", sa.Text, nullable=False),
    )
    op.create_table(
        "roster_corrections",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("closeout_id", sa.String(36), nullable=False),
        sa.Column("action", sa.String(8), nullable=False),
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("parent_id", sa.BigInteger, nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
    )
    op.create_index("roster_corrections_closeout", "roster_corrections", ["closeout_id"])
    op.create_table(
        "credit_awards",
        sa.Column("session_id", sa.BigInteger, nullable=False),
        sa.Column("parent_id", sa.BigInteger, nullable=False),
        sa.Column("stage", sa.Integer, nullable=False),
        sa.Column("credits", sa.Integer, nullable=False),
        sa.Column("closeout_id", sa.String(36), nullable=False),
        sa.Column("awarded_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("session_id", "parent_id"),
    )
    op.create_index("credit_awards_parent", "credit_awards", ["parent_id"])

    settings = sa.table("settings", sa.column("name", sa.String), sa.column("value", sa.Text))
    op.bulk_insert(settings, [{"name": k, "value": v} for k, v in DEFAULT_SETTINGS.items()])
    counters = sa.table("counters", sa.column("name", sa.String),
                        sa.column("value", sa.BigInteger))
    op.bulk_insert(counters, [{"name": "changes", "value": 0}])


def downgrade() -> None:
    for name in ("credit_awards", "roster_corrections", "closeouts", "duplicate_records",
                 "records", "enrolment_codes", "devices", "revocations", "passes",
                 "signing_keys", "registrations", "sessions", "stars", "stage_credits",
                 "parents", "trainers", "venues", "counters", "settings"):
        op.drop_table(name)
