"""Device commands: why a kiosk was revoked, and how many records it last said were waiting
to be uploaded (``X-Starkiosk-Pending``), for ``credit-api devices list``.  ``last_seen_at``
already exists (0001); it is now shown.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from credit_api.db import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.add_column(sa.Column("revoked_reason", sa.String(500)))
        batch.add_column(sa.Column("pending_reported", sa.Integer))
        batch.add_column(sa.Column("pending_reported_at", UTCDateTime))


def downgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.drop_column("pending_reported_at")
        batch.drop_column("pending_reported")
        batch.drop_column("revoked_reason")
