"""Show a recorded change in people's words: field labels instead of column names."""

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

register = template.Library()


@register.simple_tag
def field_label(model_label: str, name: str) -> str:
    """``field_label "budgets.BudgetLine" "pillar_id"`` -> ``pilar``."""
    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError):
        return name
    for candidate in (name, name.removesuffix("_id")):
        try:
            return str(model._meta.get_field(candidate).verbose_name)
        except FieldDoesNotExist:
            continue
    return name


@register.filter
def change_pairs(changes) -> list:
    """The ``(field, [before, after])`` pairs of a record's changes.

    ``record.changes.items`` in a template looks the key "items" up first, and a
    budget line has a field of that name: its pair was iterated instead, and the
    history of every hand-entered line failed to render.
    """
    return list(changes.items()) if isinstance(changes, dict) else []
