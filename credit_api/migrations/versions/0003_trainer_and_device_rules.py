"""Issue #13: trainers authorised per venue, a walk-in cap per class, the log of trainer-pass
uses, and failed enrolment attempts kept in the database.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from credit_api.db import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("walk_in_cap", sa.Integer))
    op.create_table(
        "trainer_venues",
        sa.Column("trainer_id", sa.BigInteger, sa.ForeignKey("trainers.id"), nullable=False),
        sa.Column("venue_id", sa.BigInteger, sa.ForeignKey("venues.id"), nullable=False),
        sa.Column("authorised_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("trainer_id", "venue_id"),
    )
    op.create_table(
        "trainer_pass_uses",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("pass_id", sa.BigInteger, nullable=False),
        sa.Column("trainer_id", sa.BigInteger, nullable=False),
        sa.Column("device_id", sa.Integer),
        sa.Column("venue_id", sa.BigInteger, nullable=False),
        sa.Column("session_id", sa.BigInteger, nullable=False),
        sa.Column("closeout_id", sa.String(36), nullable=False),
        sa.Column("used_at", UTCDateTime, nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("source", sa.String(8), nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
    )
    op.create_index("trainer_pass_uses_pass_day", "trainer_pass_uses", ["pass_id", "day"])
    op.create_index("trainer_pass_uses_day", "trainer_pass_uses", ["day"])
    op.create_table(
        "enrol_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("failed_at", UTCDateTime, nullable=False),
    )
    op.create_index("enrol_failures_client", "enrol_failures", ["client", "failed_at"])
    op.create_index("enrol_failures_code", "enrol_failures", ["code_hash", "failed_at"])
    op.create_index("enrol_failures_at", "enrol_failures", ["failed_at"])


def downgrade() -> None:
    op.drop_table("enrol_failures")
    op.drop_table("trainer_pass_uses")
    op.drop_table("trainer_venues")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("walk_in_cap")
