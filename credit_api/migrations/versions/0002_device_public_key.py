"""Devices may register their own Ed25519 key, which must sign their USB exports.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.add_column(sa.Column("public_key", sa.String(64)))


def downgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.drop_column("public_key")
