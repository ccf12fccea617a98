"""Every URL pattern of the project, as concrete paths a test can request.

Walks ``get_resolver().url_patterns`` recursively (so the DRF router's routes
and URLs added by later work are included automatically), fills path
converters and regex groups with sample values, and checks each sample
resolves back to the same view. A pattern whose sample cannot be built is
returned with ``path=None`` so a test can name it instead of skipping it.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.converters import (
    IntConverter,
    PathConverter,
    SlugConverter,
    StringConverter,
    UUIDConverter,
)
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, RoutePattern

SAMPLE_UUID = "12345678-1234-5678-1234-567812345678"
# Region-code-like kwargs (``code``, ``region``) get a region code.
REGION_KWARGS = {"code", "region", "region_code", "pemda"}


@dataclass
class Route:
    pattern: str  # the pattern as written, for the report
    name: str | None  # namespaced URL name
    callback: object
    kwargs: dict = field(default_factory=dict)
    path: str | None = None

    @property
    def is_api(self) -> bool:
        return bool(self.path and self.path.startswith("/api/"))

    @property
    def is_admin(self) -> bool:
        return bool(self.path and self.path.startswith("/admin/"))

    @property
    def has_object(self) -> bool:
        return bool(self.kwargs)


def _converter_sample(converter, name: str, pk: int, region: str) -> str:
    if name == "format":  # DRF format suffixes: "json" or ".json"
        for candidate in ("json", ".json"):
            if re.fullmatch(converter.regex, candidate):
                return candidate
    if isinstance(converter, IntConverter):
        return str(pk)
    if isinstance(converter, UUIDConverter):
        return SAMPLE_UUID
    if isinstance(converter, SlugConverter | StringConverter | PathConverter):
        if name in REGION_KWARGS:
            return region
        if name.endswith("pk") or name == "id" or name.endswith("_id"):
            return str(pk)
        return "x"
    # A custom converter: try its regex with a few candidates.
    for candidate in (str(pk), region, "x", SAMPLE_UUID, "json", ".json"):
        if re.fullmatch(converter.regex, candidate):
            return candidate
    return str(pk)


def _regex_candidates(group_regex: str, name: str, pk: int, region: str):
    alternation = re.fullmatch(r"[\w|.-]+", group_regex)
    if alternation and "|" in group_regex:
        yield group_regex.split("|")[0]
    if name == "format":
        yield "json"
    if name in REGION_KWARGS:
        yield region
    yield from (str(pk), region, "x", SAMPLE_UUID, "json")


def _fill_regex(regex: str, pk: int, region: str) -> tuple[str, dict] | None:
    """Build a string matching a resolver regex (anchors and groups), or None."""
    body = regex.lstrip("^").rstrip("$").replace("\\Z", "")
    kwargs: dict[str, str] = {}
    group = re.compile(r"\(\?P<(\w+)>((?:[^()]|\([^()]*\))*)\)")
    out = []
    pos = 0
    for match in group.finditer(body):
        out.append(body[pos : match.start()])
        name, inner = match.group(1), match.group(2)
        for candidate in _regex_candidates(inner, name, pk, region):
            if re.fullmatch(inner, candidate):
                kwargs[name] = candidate
                out.append(candidate)
                break
        else:
            return None
        pos = match.end()
    out.append(body[pos:])
    text = "".join(out)
    # Optional trailing slash and escapes the router writes: "/?", "\\."
    text = text.replace("/?", "/").replace("\\.", ".").replace("\\-", "-")
    if re.search(r"[()\[\]*+?{}|\\]", text):
        return None
    return text, kwargs


def _fill(pattern, pk: int, region: str) -> tuple[str, dict] | None:
    if isinstance(pattern, RoutePattern):
        route = str(pattern)
        kwargs = {}

        def repl(match):
            name = match.group(2)
            converter = pattern.converters[name]
            value = _converter_sample(converter, name, pk, region)
            kwargs[name] = value
            return value

        text = re.sub(r"<(?:(\w+):)?(\w+)>", repl, route)
        return text, kwargs
    if isinstance(pattern, RegexPattern):
        return _fill_regex(pattern.regex.pattern, pk, region)
    return None


def _walk(patterns, prefix: str, namespace: str | None, pk: int, region: str):
    for entry in patterns:
        filled = _fill(entry.pattern, pk, region)
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            full_ns = ":".join(filter(None, [namespace, ns])) or None
            if filled is None:
                yield Route(pattern=prefix + str(entry.pattern), name=None, callback=None)
                continue
            text, kwargs = filled
            for route in _walk(entry.url_patterns, prefix + text, full_ns, pk, region):
                route.kwargs = {**kwargs, **route.kwargs}
                yield route
        elif isinstance(entry, URLPattern):
            name = entry.name
            if name and namespace:
                name = f"{namespace}:{name}"
            route = Route(
                pattern=prefix + str(entry.pattern), name=name, callback=entry.callback
            )
            if filled is not None:
                text, kwargs = filled
                route.path = "/" + prefix + text
                route.kwargs = kwargs
            yield route


def _same_view(route: Route) -> bool:
    try:
        match = resolve(route.path)
    except Resolver404:
        return False
    return match.func == route.callback or getattr(match.func, "__wrapped__", None) == getattr(
        route.callback, "__wrapped__", object()
    )


def all_routes(*, pk: int = 1, region: str = "36.02") -> list[Route]:
    """Every URL pattern, each with a sample path (or ``path=None``)."""
    routes = []
    seen = set()
    for route in _walk(get_resolver().url_patterns, "", None, pk, region):
        if route.path is not None and not _same_view(route):
            # A sample that lands on another view would test the wrong thing.
            route.path = None
        key = (route.pattern, route.path)
        if key in seen:
            continue
        seen.add(key)
        routes.append(route)
    return routes


def view_model(route: Route):
    """The model a view works on, when the view says so (CBV, DRF, admin)."""
    callback = route.callback
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if cls is not None:
        queryset = getattr(cls, "queryset", None)
        if queryset is not None:
            return queryset.model
        model = getattr(cls, "model", None)
        if model is not None:
            return model
    model_admin = getattr(callback, "model_admin", None)
    if model_admin is not None:
        return model_admin.model
    # Admin views are bound methods of a ModelAdmin wrapped by admin_view.
    wrapped = callback
    while wrapped is not None:
        owner = getattr(wrapped, "__self__", None)
        if owner is not None and hasattr(owner, "model") and hasattr(owner, "admin_site"):
            return owner.model
        wrapped = getattr(wrapped, "__wrapped__", None)
    return None


def new_uuid() -> str:
    return str(uuid.uuid4())
