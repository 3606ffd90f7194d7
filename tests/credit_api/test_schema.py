"""The contract: the committed OpenAPI document, the migrations, and schemathesis fuzzing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from credit_api import openapi
from credit_api.app import asgi_app
from credit_api.db import metadata

from .conftest import Backend, ServerThread, World

ROOT = Path(__file__).resolve().parents[2]
OPENAPI = ROOT / "docs" / "openapi.json"


def test_committed_openapi_matches_the_app() -> None:
    assert OPENAPI.exists(), "docs/openapi.json is missing: python -m credit_api.openapi > docs/openapi.json"
    committed = json.loads(OPENAPI.read_text(encoding="utf-8"))
    assert committed == openapi.document(), (
        "docs/openapi.json is out of date; regenerate it with "
        "`python -m credit_api.openapi > docs/openapi.json`")


def test_openapi_documents_auth_and_errors() -> None:
    doc = openapi.document()
    assert doc["components"]["securitySchemes"]["APIKeyHeader"]["name"] == "Authorization"
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            if path != "/v1/enrol":
                assert op.get("security"), (method, path)
            for code in ("401", "422"):
                assert code in op["responses"], (method, path, code)
    schemas = doc["components"]["schemas"]
    for name in ("UploadRecord", "UploadResponse", "CloseoutRequest", "Ledger", "SessionsPage"):
        assert name in schemas
    assert schemas["UploadBatch"]["properties"]["records"]["maxItems"] == 1000


def test_migrations_match_the_tables(backend: Backend) -> None:
    with backend.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, metadata)
    assert diff == [], diff


def test_schemathesis_finds_nothing(world: World) -> None:
    """Fuzz every operation (positive and negative data) with a valid device token.

    Runs on the SQLite server only: the HTTP layer is the same for both databases, and the
    time budget is better spent on the database suites.
    """
    if world.backend.name != "sqlite":
        pytest.skip("schemathesis runs against the SQLite server")
    # The venv's own scripts first: the tests run as .venv/bin/python, which need not be on PATH.
    bindir = str(Path(sys.executable).parent)
    exe = shutil.which("schemathesis", path=bindir) or shutil.which("schemathesis")
    if exe is None:
        pytest.fail("schemathesis is not installed (pip install -e .[test])")
    # Real data to hit: a class with a registered parent, so not everything is a 404.
    sid = world.new_class()
    world.new_parent(register_for=[sid])
    token = world.device("schemathesis").http.headers["Authorization"]
    with ServerThread(asgi_app(world.engine, enrol_attempts=10**6)) as srv:
        cmd = [
            exe, "run", f"{srv.url}/openapi.json",
            "-H", f"Authorization: {token}",
            "--checks", "all",
            # A schema-valid request can still name a class or parent that does not exist;
            # 404/403/409 for those is the contract, not a failure.
            "--exclude-checks", "positive_data_acceptance",
            "--exclude-operation-id", _revoke_operation_id(),
            "--max-examples", "5", "--seed", "1", "--no-shrink",
            "--max-time", "25", "--workers", "2", "--warnings", "off",
            "--request-timeout", "20",
        ]
        env = {**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_TELEMETRY": "false"}
        for _attempt in range(2):
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env,
                                  cwd=world.backend.data_dir)
            # CPython 3.11.7 can raise "SystemError: AST constructor recursion depth mismatch"
            # inside hypothesis' code generation: an interpreter bug, not a finding about the
            # API.  Run once more in that case only; any real failure is reported as it is.
            if proc.returncode == 0 or "AST constructor recursion depth" not in (
                    proc.stdout + proc.stderr):
                break
    text = proc.stdout
    start = text.find("FAILURES")
    tail = text[start:start + 6000] if start >= 0 else "\n".join(text.splitlines()[-60:])
    assert proc.returncode == 0, f"schemathesis failed:\n{tail}\n{proc.stderr[-2000:]}"


def _revoke_operation_id() -> str:
    doc = openapi.document()
    return doc["paths"]["/v1/device/revoke"]["post"]["operationId"]


def test_openapi_module_prints_the_document() -> None:
    out = subprocess.run([sys.executable, "-m", "credit_api.openapi"], capture_output=True,
                         text=True, check=True, timeout=60).stdout
    assert json.loads(out) == openapi.document()
