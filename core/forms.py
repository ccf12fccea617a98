"""Form input guards shared by every form of the portal, the admin's included.

An id typed or crafted beyond a 64-bit integer (``9223372036854775808``) made a
choice field's query fail on SQLite ("Python int too large to convert to SQLite
INTEGER"), a 500 instead of "not a valid choice". ``bounded_id`` is the rule;
``install_id_bounds`` makes Django's model choice fields apply it (called once
from ``CoreConfig.ready``), so no form has to remember it.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

ID_MAX = 2**63 - 1


def bounded_id(value) -> int:
    """An integer id within a 64-bit column, or ValueError."""
    number = int(str(value).strip())
    if not -ID_MAX - 1 <= number <= ID_MAX:
        raise ValueError("id out of range")
    return number


def _out_of_range(value) -> bool:
    try:
        bounded_id(value)
    except ValueError:
        try:
            int(str(value).strip())
        except ValueError:
            return False  # not a number at all: the field's own check decides
        return True
    except TypeError:
        return False
    return False


def _integer_pk(field) -> bool:
    queryset = getattr(field, "queryset", None)
    if queryset is None:
        return False
    target = queryset.model._meta.get_field(field.to_field_name) \
        if field.to_field_name else queryset.model._meta.pk
    return target.get_internal_type() in (
        "AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField",
        "SmallIntegerField", "PositiveIntegerField", "PositiveBigIntegerField",
        "PositiveSmallIntegerField",
    )


def install_id_bounds() -> None:
    single_to_python = forms.ModelChoiceField.to_python
    multiple_check = forms.ModelMultipleChoiceField._check_values

    def to_python(self, value):
        if value not in self.empty_values and _integer_pk(self) and _out_of_range(value):
            raise ValidationError(self.error_messages["invalid_choice"],
                                  code="invalid_choice")
        return single_to_python(self, value)

    def check_values(self, value):
        if _integer_pk(self):
            for pk in value or ():
                if _out_of_range(pk):
                    raise ValidationError(self.error_messages["invalid_pk_value"],
                                          code="invalid_pk_value", params={"pk": pk})
        return multiple_check(self, value)

    if not getattr(forms.ModelChoiceField, "_tkpkd_bounded", False):
        forms.ModelChoiceField.to_python = to_python
        forms.ModelMultipleChoiceField._check_values = check_values
        forms.ModelChoiceField._tkpkd_bounded = True
