from core.net import request_id

from .context import audit_via


class AuditContextMiddleware:
    """Tags every write made during a request with its path kind and a request id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        if path.startswith("/api/"):
            via = "api"
        elif path.startswith("/admin/"):
            via = "admin"
        else:
            via = "web"
        # Believed only from TRUSTED_PROXIES and only in a safe shape (core.net).
        request.request_id = request_id(request)
        with audit_via(via, request.request_id):
            response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response
