"""What the coordination pages share: running a service on a valid form and
showing its refusal (lock, access, validation) on the form instead of a 500."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404

from regions import access


def apply_service(form: Form, call):
    """Run ``call()``; put a ValidationError/PermissionDenied message on the form.

    Returns the service's result, or None when it refused (the form then has
    errors and the page is shown again, with nothing changed).
    """
    try:
        return call()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                target = field if field in form.fields else None
                for message in errors:
                    form.add_error(target, message)
        else:
            for message in exc.messages:
                form.add_error(None, message)
    except PermissionDenied as exc:
        form.add_error(None, str(exc) or "Anda tidak berwenang melakukan perubahan ini.")
    return None


def ensure_changeable(user, region_code: str) -> None:
    """Edit pages of a record the user may read but not change answer 403."""
    access.ensure_can_change(user, region_code)


def get_or_404(obj):
    if obj is None:
        raise Http404
    return obj


def query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
