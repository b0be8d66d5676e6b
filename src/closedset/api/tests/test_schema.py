"""The published schema tells the whole truth: errors, their shape, one meaning per name."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.test import Client
from ninja import Schema

import closedset.api.api  # noqa: F401  (imports every router, and so every API schema)

ERROR_REF = "#/components/schemas/ErrorOut"


def _subclasses(cls: type) -> Iterator[type]:
    sub: type
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_operation_publishes_its_errors(db: Any) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["components"]["schemas"]["ErrorOut"]["required"] == ["detail"]
    missing = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status in ("400", "401", "403", "404", "422"):
                declared = operation["responses"].get(status, {})
                ref = declared.get("content", {}).get("application/json", {}).get("schema")
                if ref != {"$ref": ERROR_REF}:
                    missing.append(f"{method.upper()} {path} {status}")
    assert not missing


def test_schema_names_are_unique() -> None:
    # The schema names each class by its bare name: two of one name publish one of them for
    # both, and clients are told the wrong shape.
    modules = defaultdict(list)
    for cls in _subclasses(Schema):
        if cls.__module__.startswith("closedset."):
            modules[cls.__name__].append(cls.__module__)
    assert {name: found for name, found in modules.items() if len(found) > 1} == {}


def test_an_unknown_api_url_answers_json(db: Any) -> None:
    response = Client().get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Not found.", "fields": {}}


def test_an_unknown_page_still_answers_the_page(db: Any) -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
