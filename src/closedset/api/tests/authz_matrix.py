"""The authorization matrix: every route, every persona, one expected outcome.

Routes come from the URL configuration (and, for the JSON API, the methods from its OpenAPI
schema). Each app lists the outcomes for its own routes in `closedset/<app>/tests/authz.py`:

    from closedset.api.tests.authz_matrix import LOGIN, outcomes

    EXPECTED = {
        # "METHOD /path/with/<param>/": {persona: outcome} for all eight personas
        "GET /p/<production_id>/": outcomes(anonymous=LOGIN, oscar=404, default=200),
    }
    PARAMS = {"production_id": lambda world: world.production.pk}   # URL values
    ROUTE_PARAMS = {"GET /x/<number>/": {"number": lambda world: 1}}  # per-route override
    BODIES = {"POST /api/v1/...": lambda world: {...}}                # request body

Page routes (not in the API schema) need both a GET and a POST entry. An outcome is an HTTP
status, LOGIN (a redirect to a login page) or REDIRECT (any other redirect).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

PERSONAS = ("anonymous", "oscar", "mara", "jonas", "ines", "dario", "petra", "cora")
LOGIN = "login"
REDIRECT = "redirect"
PAGE_METHODS = ("GET", "POST")
API_PREFIX = "/api/v1/"


def outcomes(default: object = None, **by_persona: object) -> dict[str, object]:
    """Outcomes for all personas: the named ones, and `default` for the rest."""
    unknown = set(by_persona) - set(PERSONAS)
    if unknown:
        raise ValueError(f"unknown persona(s): {', '.join(sorted(unknown))}")
    result = {persona: by_persona.get(persona, default) for persona in PERSONAS}
    missing = [persona for persona, value in result.items() if value is None]
    if missing:
        raise ValueError(f"no outcome for {', '.join(missing)}; give them or a default")
    return result


def same(outcome: object) -> dict[str, object]:
    return outcomes(default=outcome)


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # "/p/<production_id>/"

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def params(self) -> list[str]:
        return re.findall(r"<(\w+)>", self.path)


def _normalise(pattern: str) -> str:
    pattern = re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", pattern)
    pattern = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", pattern)
    pattern = pattern.replace("^", "").replace("$", "").replace("\\", "")
    return "/" + pattern


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def api_operations() -> dict[str, set[str]]:
    from closedset.api.api import api

    schema = api.get_openapi_schema()
    result: dict[str, set[str]] = {}
    for path, operations in schema["paths"].items():
        result[re.sub(r"{(\w+)}", r"<\1>", path)] = {method.upper() for method in operations}
    return result


def routes() -> list[Route]:
    """Every (method, path) the application answers."""
    api_paths = api_operations()
    found: set[Route] = set()
    for raw in _walk(get_resolver().url_patterns):
        path = _normalise(raw)
        methods = api_paths.get(path, PAGE_METHODS)
        found.update(Route(method, path) for method in methods)
    return sorted(found, key=lambda route: (route.path, route.method))


@dataclass
class Registry:
    expected: dict[str, dict[str, object]]
    params: dict[str, Callable[[Any], object]]
    route_params: dict[str, dict[str, Callable[[Any], object]]]
    bodies: dict[str, Callable[[Any], object]]
    sources: dict[str, str]


def registry() -> Registry:
    """All apps' entries, from closedset.<app>.tests.authz."""
    reg = Registry({}, {}, {}, {}, {})
    for config in apps.get_app_configs():
        if not config.name.startswith("closedset."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.authz")
        except ModuleNotFoundError as error:
            if error.name in (f"{config.name}.tests.authz", f"{config.name}.tests"):
                continue
            raise
        for key, entry in getattr(module, "EXPECTED", {}).items():
            if key in reg.expected:
                raise AssertionError(f"{key} has entries in {reg.sources[key]} and {config.name}")
            reg.expected[key] = entry
            reg.sources[key] = config.name
        reg.params.update(getattr(module, "PARAMS", {}))
        reg.route_params.update(getattr(module, "ROUTE_PARAMS", {}))
        reg.bodies.update(getattr(module, "BODIES", {}))
    return reg


def observe(response: Any) -> object:
    if 300 <= response.status_code < 400:
        location = response.get("Location", "")
        return LOGIN if "/login/" in location else REDIRECT
    return response.status_code


def request(
    client: Any, route: Route, url: str, body: object, headers: dict[str, str] | None = None
) -> Any:
    is_api = route.path.startswith(API_PREFIX) and route.path != API_PREFIX
    method = route.method.lower()
    headers = headers or {}
    if route.method == "GET":
        return client.get(url, headers=headers)
    if is_api:
        import json

        return getattr(client, method)(
            url,
            json.dumps(body if body is not None else {}),
            content_type="application/json",
            headers=headers,
        )
    return getattr(client, method)(url, body if body is not None else {}, headers=headers)


def is_api_route(route: Route) -> bool:
    return route.path.startswith(API_PREFIX) and route.path != API_PREFIX


def url_and_body(route: Route, reg: Registry, world: Any) -> tuple[str, object]:
    """The route's URL with its parameters filled in, and its request body (or None)."""
    url = route.path
    for name in route.params:
        make = reg.route_params.get(route.key, {}).get(name) or reg.params.get(name)
        if make is None:
            raise AssertionError(f"{route.key}: no PARAMS entry gives a value for <{name}>")
        url = url.replace(f"<{name}>", str(make(world)))
    make_body = reg.bodies.get(route.key)
    return url, (make_body(world) if make_body else None)
