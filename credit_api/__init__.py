"""Reference server for the Star Parent central credit API (``pip install starkiosk[server]``).

FastAPI over SQLAlchemy Core: SQLite by default, PostgreSQL in production, one code base.
The wire models live in :mod:`sync.protocol`; docs/credit-api.md explains the flows.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
