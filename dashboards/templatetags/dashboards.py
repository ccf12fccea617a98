"""Small template helpers for the dashboard tables."""

from django import template

register = template.Library()


@register.filter
def heat(value, maximum):
    """A 1-5 intensity class for a matrix cell (colour is never the only signal:
    the cell shows its figure too)."""
    try:
        if not value or not maximum:
            return 0
        return max(1, min(5, int((value / maximum) * 5 + 0.999)))
    except (TypeError, ZeroDivisionError, ArithmeticError):
        return 0


@register.simple_tag
def max_cell(matrix):
    values = [cell.pagu for row in matrix.rows for cell, _url in row["cells"]]
    return max(values) if values else 0
