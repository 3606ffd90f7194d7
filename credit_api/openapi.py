"""Print the API's OpenAPI document: ``python -m credit_api.openapi > docs/openapi.json``.

The committed docs/openapi.json is checked against this output by the tests.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import create_engine


def document() -> dict[str, Any]:
    from credit_api.app import create_app

    # The schema does not depend on the database; an unused in-memory engine will do.
    return create_app(create_engine("sqlite://")).openapi()


def render() -> str:
    return json.dumps(document(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(render())
