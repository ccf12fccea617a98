"""Hypothesis fuzz of every HTML form's POST, as a Lebak coordinator.

The forms are found, not listed: the test crawls the pages the coordinator
can reach (links from the home page and from every page found, on top of the
world's objects) and collects every ``<form method="post">`` with its
fields. Each form is then posted with generated values: text with control
characters, huge and negative numbers, bad dates, ids of other regions'
objects, and the form's own options. Every answer must be below 500, and
nothing outside the coordinator's scope (Lebak, 36.02) may change.

The admin's forms are crawled and posted the same way as an Admin (no 5xx).
Bounded for CI (``FORM_FUZZ_EXAMPLES``, default 20 per portal form, and
``FORM_FUZZ_ADMIN_EXAMPLES``, 5 per admin form: about a minute together);
a longer, randomised run::

    FORM_FUZZ_EXAMPLES=300 FORM_FUZZ_ADMIN_EXAMPLES=50 FORM_FUZZ_RANDOM=1 \\
        .venv/bin/python -m pytest tests/security/test_form_fuzz.py
"""

from __future__ import annotations

import os
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from django.apps import apps
from django.core.exceptions import FieldError
from django.test import Client
from django.urls import Resolver404, resolve

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

EXAMPLES = int(os.environ.get("FORM_FUZZ_EXAMPLES", "20"))
RANDOM = os.environ.get("FORM_FUZZ_RANDOM") == "1"
# The admin has many more forms (every model's add/change/delete): fewer each.
ADMIN_EXAMPLES = int(os.environ.get("FORM_FUZZ_ADMIN_EXAMPLES", "5"))
SKIP_LINKS = ("/api/", "/admin/", "/keluar/", "/media/", "/static/", "/i18n/", "/healthz")
MAX_PAGES = 120
# Recomputed from the lines (a refresh after a Lebak write rebuilds it whole).
DERIVED = {"budgets.BudgetSummary"}


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.forms, self._form, self._select = [], [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form" and (a.get("method") or "get").lower() == "post":
            self._form = {"action": a.get("action") or "", "fields": {}}
        elif self._form is not None and tag in ("input", "textarea", "select"):
            name = a.get("name")
            if not name or name == "csrfmiddlewaretoken":
                return
            field = self._form["fields"].setdefault(
                name, {"type": a.get("type", tag), "options": []}
            )
            if a.get("value") is not None and field["type"] in ("hidden", "radio", "checkbox", "submit"):
                field["options"].append(a["value"])
            if tag == "select":
                self._select = field
        elif tag == "option" and self._select is not None and a.get("value") is not None:
            self._select["options"].append(a["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def crawl(client, start: list[str], skip=SKIP_LINKS, max_pages=MAX_PAGES):
    seen, queue, forms = set(), list(start), {}
    while queue and len(seen) < max_pages:
        url = queue.pop(0)
        path = urlsplit(url).path
        if path in seen or path.startswith(skip) or url.startswith(("http", "mailto", "#")):
            continue
        seen.add(path)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Forms()
        parser.feed(response.content.decode())
        queue.extend(urljoin(url, link) for link in parser.links if "unduh" not in link)
        for form in parser.forms:
            action = urljoin(url, form["action"] or url)
            if urlsplit(action).path.startswith(skip):
                continue
            key = (urlsplit(action).path, tuple(sorted(form["fields"])))
            forms.setdefault(key, {"action": urlsplit(action).path, "fields": form["fields"]})
    return forms


def outside_scope_snapshot() -> dict:
    """Every row of every region-bound table outside Lebak (36.02), as values."""
    snap = {}
    for model in apps.get_models():
        if model._meta.label in DERIVED:
            continue
        names = {f.name for f in model._meta.get_fields()}
        for path in ("region", "roadmap__region", "meeting__region", "budget_line__region",
                     "intervention__region"):
            if path.split("__")[0] in names:
                try:
                    rows = model.objects.exclude(**{f"{path}__code__startswith": "36.02"})
                    snap[model._meta.label] = list(rows.order_by("pk").values())
                except FieldError:
                    continue
                break
    from regions.models import UserScope

    snap["scopes"] = list(UserScope.objects.order_by("pk").values())
    return snap


CONTROL = st.sampled_from(["\x00", "\x0b", "\x0c", "\x01", "\x1f", "\x7f", "\u0085", "\ud800"])
HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.lists(st.one_of(CONTROL, st.text(max_size=5)), max_size=8).map("".join),
    st.sampled_from(["=HYPERLINK(\"http://x\")", "<script>alert(1)</script>", "'; DROP TABLE x;--"]),
    st.just("x" * 5000),
)
HUGE_NUMBERS = st.sampled_from(
    ["9" * 40, "-1", "-99999999999999999999", "1e308", "NaN", "Infinity", "0", "1.5",
     "999999999999999999.99", "12,5", " 7 "]
)
BAD_DATES = st.sampled_from(
    ["2024-02-30", "0000-00-00", "9999-99-99", "31-12-2024", "2024-13-01", "kemarin", "1900-01-01"]
)


def value_strategy(field: dict, foreign_ids: list[str]):
    choices = [HOSTILE_TEXT, HUGE_NUMBERS, BAD_DATES, st.sampled_from(foreign_ids)]
    if field["options"]:
        choices.append(st.sampled_from(field["options"]))
        choices.append(st.sampled_from(field["options"]))  # weigh the valid ones
    return st.one_of(*choices)


def _poster(client, action, fields, capture, examples=EXAMPLES):
    @settings(
        max_examples=examples, deadline=None, derandomize=not RANDOM, database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.fixed_dictionaries(fields))
    def post(data):
        data = {k: v.encode("utf-8", "replace").decode("utf-8") for k, v in data.items()}
        with capture(execute=True):
            response = client.post(action, data)
        assert response.status_code < 500, (action, data, response.status_code)

    return post


@pytest.fixture
def coordinator_client(world, lebak_coordinator):
    client = Client(raise_request_exception=False)
    client.force_login(lebak_coordinator)
    return client


def test_every_form_post_survives_hostile_values_and_stays_in_scope(
    world, coordinator_client, django_capture_on_commit_callbacks
):
    lebak = "36.02"
    start = [
        "/", "/profil/", "/anggaran/baris/", "/anggaran/baris/tambah/", "/anggaran/impor/unggah/",
        f"/anggaran/baris/{world.lines[lebak].pk}/", f"/anggaran/baris/{world.lines[lebak].pk}/ubah/",
        f"/anggaran/baris/{world.lines[lebak].pk}/hapus/",
        "/intervensi/", "/intervensi/tambah/", f"/intervensi/{world.interventions[lebak].pk}/",
        f"/intervensi/{world.interventions[lebak].pk}/ubah/",
        f"/intervensi/{world.interventions[lebak].pk}/baris/",
        "/peta-jalan/", "/peta-jalan/tambah/", f"/peta-jalan/{world.roadmaps[lebak].pk}/",
        f"/peta-jalan/{world.roadmaps[lebak].pk}/aksi/tambah/",
        f"/peta-jalan/aksi/{world.actions[lebak].pk}/ubah/",
        "/hambatan/", "/hambatan/tambah/", f"/hambatan/{world.obstacles[lebak].pk}/",
        f"/hambatan/{world.obstacles[lebak].pk}/ubah/",
        "/rakor/", "/rakor/tambah/", f"/rakor/{world.meetings[lebak].pk}/",
        f"/rakor/{world.meetings[lebak].pk}/ubah/", "/verifikasi/", "/laporan/triwulan/",
    ]
    forms = crawl(coordinator_client, start)
    names = set()
    for form in forms.values():
        try:
            names.add(resolve(form["action"]).view_name)
        except Resolver404:
            pass
    # The crawl must find the portal's forms (a broken crawl must not pass).
    assert len(names) >= 15, sorted(names)
    foreign = [
        str(obj.pk) for kind in ("lines", "interventions", "roadmaps", "actions", "obstacles",
                                 "meetings", "decisions", "units")
        for code, obj in getattr(world, kind).items() if code != lebak
    ] + ["36.03", "36", "0", "-5", "99999999999999999999"]
    before = outside_scope_snapshot()
    failures = []
    for form in forms.values():
        fields = {name: value_strategy(f, foreign) for name, f in form["fields"].items()}

        post = _poster(coordinator_client, form["action"], fields,
                       django_capture_on_commit_callbacks)
        try:
            post()
        except (Exception, BaseExceptionGroup) as exc:  # report every form together
            failures.append(f"{form['action']}: {exc}"[:1500])
    assert not failures, "\n\n".join(failures)
    assert outside_scope_snapshot() == before


ADMIN_SKIP = ("/api/", "/keluar/", "/media/", "/static/", "/i18n/", "/healthz",
              "/admin/logout/", "/admin/jsi18n/")


def test_every_admin_form_post_survives_hostile_values(world, admin_user,
                                                       django_capture_on_commit_callbacks):
    """The admin's add, change, delete and action forms, as the Admin role:
    no answer is a 5xx (the admin's scope is the whole province)."""
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    forms = crawl(client, ["/admin/"], skip=ADMIN_SKIP, max_pages=int(
        os.environ.get("FORM_FUZZ_ADMIN_PAGES", "150")))
    admin_forms = {k: f for k, f in forms.items() if f["action"].startswith("/admin/")}
    assert len(admin_forms) >= 10, sorted(f["action"] for f in admin_forms.values())
    foreign = [str(obj.pk) for obj in world.lines.values()] + ["36.03", "0", "-5", "9" * 20]
    failures = []
    for form in admin_forms.values():
        fields = {name: value_strategy(f, foreign) for name, f in form["fields"].items()}
        post = _poster(client, form["action"], fields, django_capture_on_commit_callbacks,
                       examples=ADMIN_EXAMPLES)
        try:
            post()
        except (Exception, BaseExceptionGroup) as exc:
            failures.append(f"{form['action']}: {exc}"[:1500])
    assert not failures, "\n\n".join(failures)
