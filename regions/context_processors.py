from . import access as access_rules


def access(request):
    """Expose the user's role and scope to templates (navigation by role)."""
    user = getattr(request, "user", None)
    resolved = access_rules.access_for(user)
    return {
        "user_access": resolved,
        "can_change_anything": resolved.change_root is not None,
        "can_import_anything": resolved.import_root is not None,
    }
