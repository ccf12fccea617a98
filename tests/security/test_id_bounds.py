"""An id beyond a 64-bit integer in any form is "not a valid choice", never a 500
(SQLite refused to bind it: "Python int too large to convert to SQLite INTEGER";
found by the form fuzz)."""

import pytest

from django import forms

from budgets.models import Unit
from core.forms import ID_MAX, bounded_id

HUGE = str(ID_MAX + 1)


def test_bounded_id_takes_64_bit_ids_only():
    assert bounded_id(str(ID_MAX)) == ID_MAX
    with pytest.raises(ValueError):
        bounded_id(HUGE)


@pytest.mark.django_db
def test_a_model_choice_field_refuses_an_id_beyond_64_bits(banten):
    single = forms.ModelChoiceField(queryset=Unit.objects.all())
    multiple = forms.ModelMultipleChoiceField(queryset=Unit.objects.all())
    with pytest.raises(forms.ValidationError):
        single.clean(HUGE)
    with pytest.raises(forms.ValidationError):
        multiple.clean([HUGE])


@pytest.mark.django_db
def test_the_intervention_pages_answer_a_huge_id_with_a_form_error(client, lebak_coordinator):
    client.force_login(lebak_coordinator)
    response = client.post("/intervensi/tambah/", {
        "region": "36.02", "fiscal_year": "2024", "name": "Uji", "partner_units": [HUGE],
    })
    assert response.status_code < 500
