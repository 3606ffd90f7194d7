"""Records refused at upload kept as an audit trail, so a close-out can tell a row refused
earlier (nothing to do) from one not uploaded yet (held back).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from credit_api.db import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "refused_records",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("device_id", sa.Integer),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("session_id", sa.BigInteger, nullable=False),
        sa.Column("parent_id", sa.BigInteger, nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("received_at", UTCDateTime, nullable=False),
    )
    op.create_index("refused_records_session", "refused_records", ["session_id"])


def downgrade() -> None:
    op.drop_index("refused_records_session", table_name="refused_records")
    op.drop_table("refused_records")
