"""The published OpenAPI document names each schema once: two classes with one name would
share a component, and one of the two endpoints would be described wrongly."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
from ninja import Schema

from closedset.api.api import api

pytestmark = pytest.mark.django_db


def _items_schema(document: dict[str, Any], path: str) -> dict[str, Any]:
    content = document["paths"][path]["get"]["responses"]["200"]["content"]
    ref = content["application/json"]["schema"]["items"]["$ref"]
    name = ref.rsplit("/", 1)[1]
    return {"name": name, **document["components"]["schemas"][name]}


def test_profile_and_plan_versions_have_their_own_schemas(client_as):
    document = client_as("mara").get("/api/v1/openapi.json").json()
    profile = _items_schema(document, "/api/v1/boundaries/me/versions")
    plan = _items_schema(document, "/api/v1/plans/{production_id}/scenes/{scene_id}/versions")
    assert profile["name"] != plan["name"]
    assert set(profile["properties"]) == {"number", "created_at"}
    # Plan versions say who saved them; profile versions are only ever the owner's.
    assert set(plan["properties"]) == {"number", "created_at", "created_by"}


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


def test_no_two_api_schemas_share_a_name():
    api.get_openapi_schema()  # every router's schemas are imported and built
    by_name: dict[str, set[str]] = defaultdict(set)
    for cls in _subclasses(Schema):
        if cls.__module__.startswith("closedset."):
            by_name[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    clashes = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert clashes == {}
