"""Template filters for money: ``{{ line.pagu|rupiah }}``, ``{{ total|rupiah_short }}``."""

from django import template
from django.utils.translation import get_language

from budgets import money

register = template.Library()


@register.filter
def rupiah(value):
    return money.format_rupiah(value)


@register.filter
def rupiah_short(value):
    return money.format_rupiah_short(value, language=get_language() or "id")


@register.filter
def persen(value, digits=1):
    return money.format_percent(value, digits=int(digits))


@register.filter
def angka(value, decimals=0):
    return money.format_number(value, int(decimals))
