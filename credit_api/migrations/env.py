"""Alembic environment: run programmatically by :func:`credit_api.db.migrate`.

The caller hands over an open connection in ``config.attributes["connection"]``; to write a
new revision by hand, run ``alembic -c credit_api/alembic.ini revision -m "…"`` with
``CREDIT_API_DB`` set to a database URL.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import create_engine

from credit_api.db import metadata, normalise_url

config = context.config
connection = config.attributes.get("connection")

if connection is not None:
    context.configure(connection=connection, target_metadata=metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()
else:
    url = normalise_url(os.environ.get("CREDIT_API_DB", "sqlite:///credit-api-dev.sqlite3"))
    engine = create_engine(url)
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=metadata,
                          render_as_batch=conn.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
