"""The authorization matrix: every role x every write path x objects of another
region, with zero unauthorised changes.

Generated, not listed: the paths come from the URL sweep (pages, admin and the
DRF router, including what later work adds), the objects from every factory in
``tests/factories.py`` (each created with the same primary key in a region the
persona may not change, so any ``<int:pk>`` in any URL points at a foreign
object whatever model the view serves). After every request the whole database
is fingerprinted (every row of every model, audit records included); any
difference fails the test. The matrix is written to
``var/artifacts/authz_matrix.txt``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import inspect
import json
from collections import Counter
from pathlib import Path

import factory
import pytest

from django.apps import apps
from django.db import models
from django.test import Client

from regions import access
from regions.models import Level, Region
from tests import factories

from .test_url_sweep import LOGIN_PREFIXES, PUBLIC_NAMES
from .urlsweep import all_routes, view_model

ARTIFACT = Path(__file__).resolve().parents[2] / "var" / "artifacts" / "authz_matrix.txt"

# (primary key, region) of each set of foreign objects.
FOREIGN_SETS = [(9001, "32.01"), (9002, "36.03")]
PAGE_METHODS = ("post",)
API_METHODS = ("post", "put", "patch", "delete")
# Rows that change by design while browsing: sessions, login bookkeeping.
NOT_DATA = {"sessions.session", "axes.accessattempt", "axes.accesslog",
            "axes.accessfailurelog"}
VOLATILE_FIELDS = {"last_login"}
# Paths a logged-in persona must not call in the sweep (they end its session or
# change only the persona's own settings).
SKIP_NAMES = set(PUBLIC_NAMES) | {"admin:password_change", "admin:password_change_done"}
PERSONAS = [
    "province_coordinator",
    "lebak_coordinator",
    "tangerang_coordinator",
    "data_staff",
    "official",
    "unscoped_user",
    "staff_non_admin",
]


# --- foreign objects from the factories ---------------------------------------------


def _factory_classes():
    found = []
    for _name, obj in inspect.getmembers(factories, inspect.isclass):
        if issubclass(obj, factory.django.DjangoModelFactory) and obj._meta.model:
            found.append(obj)
    by_model = {f._meta.model: f for f in found}

    def deps(model):
        return {
            f.related_model
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model in by_model and f.related_model is not model
        }

    ordered, done = [], set()
    while len(ordered) < len(by_model):
        progressed = False
        for model, fac in by_model.items():
            if model not in done and deps(model) <= done:
                ordered.append(fac)
                done.add(model)
                progressed = True
        if not progressed:  # a cycle: take the rest in any order
            ordered += [f for m, f in by_model.items() if m not in done]
            break
    return ordered


def _make_foreign_objects(pk: int, region_code: str) -> dict:
    made = {}
    region = Region.objects.get(code=region_code)
    for fac in _factory_classes():
        model = fac._meta.model
        declared = set(fac._meta.declarations)
        kwargs = {}
        if isinstance(model._meta.pk, models.AutoField | models.BigAutoField):
            kwargs[model._meta.pk.attname] = pk
        for field in model._meta.concrete_fields:
            if not field.is_relation or field.related_model is None:
                continue
            if field.name not in declared and field.attname not in declared:
                continue  # left as the factory leaves it (optional, or exclusive)
            target = region if field.related_model is Region else made.get(field.related_model)
            if target is None:
                continue
            if field.attname in declared and field.name not in declared:
                kwargs[field.attname] = target.pk
            else:
                kwargs[field.name] = target
        if model._meta.pk.attname in kwargs and model.objects.filter(pk=pk).exists():
            made[model] = model.objects.get(pk=pk)
            continue
        made[model] = fac(**kwargs)
    return made


# --- the database fingerprint ----------------------------------------------------------


def _fingerprint() -> dict[str, tuple[int, str]]:
    result = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in NOT_DATA or model._meta.proxy or not model._meta.managed:
            continue
        fields = [
            f.attname for f in model._meta.concrete_fields if f.name not in VOLATILE_FIELDS
        ]
        digest = hashlib.sha256()
        count = 0
        for row in model._base_manager.order_by("pk").values_list(*fields):
            digest.update(repr(row).encode())
            count += 1
        result[label] = (count, digest.hexdigest())
    return result


def _write_counter() -> int | None:
    """Rows written so far on this connection, when the database can say so
    cheaply: only when it moved is the full fingerprint computed again."""
    from django.db import connection

    connection.ensure_connection()
    if connection.vendor == "sqlite":
        return connection.connection.total_changes
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) "
                "FROM pg_stat_xact_user_tables"
            )
            return int(cursor.fetchone()[0])
    return None


def _changed(before, after) -> list[str]:
    return [
        f"{label}: {before.get(label, (0,))[0]} -> {after[label][0]} rows"
        + ("" if before.get(label, (0,))[0] != after[label][0] else " (content changed)")
        for label in after
        if before.get(label) != after[label]
    ]


# --- payloads ---------------------------------------------------------------------------


def _value(field, value, region_code):
    if isinstance(field, models.ForeignKey):
        return region_code if field.related_model is Region else value
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, decimal.Decimal):
        return str(value + 1)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, str):
        return (value + " diubah")[: field.max_length or 10_000] if value else "diubah"
    return value


def _payload(obj, region_code) -> dict:
    data = {}
    if obj is None:
        return data
    for field in obj._meta.concrete_fields:
        if field.primary_key or not field.editable or isinstance(field, models.FileField):
            continue
        raw = getattr(obj, field.attname)
        if raw is None:
            continue
        value = _value(field, raw, region_code)
        data[field.name] = value
        if field.is_relation:
            data[field.attname] = value
    data.setdefault("region", region_code)
    data["reason"] = "uji otorisasi"
    data["post"] = "yes"  # the admin's delete confirmation
    return data


def _generic_payload(made: dict, region_code: str) -> dict:
    data = {}
    for obj in made.values():
        data.update(_payload(obj, region_code))
    return data


# --- the matrix ---------------------------------------------------------------------------


def _is_object_route(route) -> bool:
    for name, value in route.kwargs.items():
        if name.endswith(("pk", "id")) or str(value).isdigit():
            return True
    return False


def _route_for(route, pk, region_code):
    """The route's sample path with this set's primary key and region."""
    path = route.path
    for value in route.kwargs.values():
        if str(value) == "1":
            path = path.replace(f"/{value}/", f"/{pk}/").replace(f"/{value}", f"/{pk}")
        elif value == "36.02":
            path = path.replace(value, region_code)
    return path


def _acceptable(response, path: str, object_route: bool, readable: bool) -> bool:
    """Is this answer a refusal (the database is checked separately)?"""
    status = response.status_code
    if status >= 500:
        return False
    # 415: e.g. JSON sent to an upload; 429: throttled (the token endpoint).
    if status in (401, 403, 404, 405, 415, 429):
        return True
    if status in (301, 302):
        location = response["Location"]
        if any(location.startswith(prefix) for prefix in LOGIN_PREFIXES):
            return True
        if path.startswith("/admin/"):
            # The admin's "no such object (in your scope)" answer is a redirect
            # to its index, and /admin/<model>/<pk>/ is an alias of .../change/.
            return location == "/admin/" or location == path + "change/"
        return not object_route
    if status in (200, 400):
        # A page the persona may read, or a form/validation error shown again
        # (no write: the fingerprint says so). Never for an object they may
        # not even read.
        return readable or not object_route
    return False


@pytest.mark.slow
@pytest.mark.django_db
def test_no_role_changes_another_regions_data(request, banten, django_user_model):
    Region.objects.get_or_create(code="32", defaults={"name": "Jawa Barat",
                                                       "level": Level.PROVINSI})
    Region.objects.get_or_create(code="32.01", defaults={
        "name": "Kabupaten Bogor", "level": Level.KABUPATEN, "parent_id": "32"})
    sets = {}
    for pk, region_code in FOREIGN_SETS:
        made = _make_foreign_objects(pk, region_code)
        sets[(pk, region_code)] = made
    assert all(sets.values()), "the factories made no objects"

    routes = [r for r in all_routes() if r.path and r.name not in SKIP_NAMES]
    routes = [r for r in routes if not r.path.startswith("/media/")]
    lines, problems = [], []
    statuses = Counter()
    baseline = _fingerprint()
    for persona_name in PERSONAS:
        user = request.getfixturevalue(persona_name)
        client = Client(raise_request_exception=False)
        client.force_login(user)
        baseline = _fingerprint()  # logging in writes last_login and a session
        for (pk, region_code), made in sets.items():
            if access.can_change(user, region_code) or access.can_import(user, region_code):
                continue  # this set is the persona's own: writes there are allowed
            generic = _generic_payload(made, region_code)
            for route in routes:
                path = _route_for(route, pk, region_code)
                model = view_model(route)
                data = _payload(made.get(model), region_code) if model in made else generic
                methods = API_METHODS if route.is_api else PAGE_METHODS
                object_route = _is_object_route(route)
                readable = access.can_read(user, region_code)
                for method in methods:
                    counter = _write_counter()
                    if route.is_api:
                        response = getattr(client, method)(
                            path, data=json.dumps(data, default=str),
                            content_type="application/json",
                        )
                    else:
                        response = getattr(client, method)(path, data=data)
                    changed = []
                    if counter is None or _write_counter() != counter:
                        after = _fingerprint()
                        changed = _changed(baseline, after)
                        baseline = after
                    statuses[response.status_code] += 1
                    refused = _acceptable(response, path, object_route, readable)
                    mark = "OK" if not changed and refused else "!!"
                    lines.append(
                        f"{mark} {persona_name:22} {method.upper():6} {path:60} "
                        f"[{region_code}] -> {response.status_code}"
                    )
                    if changed or not refused:
                        problems.append(
                            f"{persona_name} {method.upper()} {path} [{region_code}] -> "
                            f"{response.status_code} {response.get('Location', '')} "
                            f"{'; '.join(changed)}"
                        )
        # The persona was logged in the whole time (a refused request that
        # only looked refused because the session was gone would prove nothing).
        assert client.get("/anggaran/baris/").status_code == 200, persona_name

    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    header = [
        "Authorization matrix: persona x write path x objects of another region",
        "(generated by tests/production/test_authz_matrix.py; OK = refused and "
        "nothing in the database changed)",
        f"requests: {len(lines)}; statuses: {dict(sorted(statuses.items()))}; "
        f"problems: {len(problems)}",
        "",
    ]
    ARTIFACT.write_text("\n".join(header + lines) + "\n", encoding="utf-8")
    assert len(lines) > 500
    assert not problems, "unauthorised or unclear answers:\n" + "\n".join(problems[:50])
