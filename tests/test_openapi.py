"""The OpenAPI document describes every route of /api/v1, with the one error shape."""

import re
from typing import Any


def test_every_api_route_is_documented(app: Any) -> None:
    document = app.test_client().get("/api/v1/openapi.json").json
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule.endswith("openapi.json"):
            continue
        path = re.sub(r"<(?:int:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, f"{method} {path} missing from openapi.json"
    assert document["components"]["schemas"]["Error"]["required"] == ["error"]
