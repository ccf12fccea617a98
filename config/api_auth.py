"""API tokens: obtained with username and password, revoked by their owner.

One token per user (DRF authtoken). The password check goes through
``django.contrib.auth.authenticate(request=...)`` so the login lockout
(django-axes) counts API attempts like page logins.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import AuditAction
from audit.services import audit_record
from config.lockout import lockout_response


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, label=gettext_lazy("Nama pengguna"))
    password = serializers.CharField(
        max_length=4096, trim_whitespace=False, label=gettext_lazy("Kata sandi"),
        style={"input_type": "password"},
    )


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text="Kirim sebagai 'Authorization: Token <token>'. / Send as "
        "'Authorization: Token <token>'."
    )


def token_issue(*, user) -> Token:
    """The user's one token (created when missing), with a record of its creation."""
    token, created = Token.objects.get_or_create(user=user)
    if created:
        audit_record(
            user=user, action=AuditAction.CREATE, model_label="authtoken.Token",
            object_id=str(user.pk), object_repr=_("Token API %(user)s") % {"user": user},
        )
    return token


class TokenView(APIView):
    """Token API: tukar nama pengguna dan kata sandi dengan token (satu per
    pengguna; token yang ada dikembalikan). Percobaan gagal dihitung penguncian
    masuk. Token juga dapat dibuat dan dicabut di halaman Profil.

    API token: exchange username and password for a token (one per user; an
    existing token is returned). Failed attempts count towards the login
    lockout. Tokens can also be created and revoked on the profile page."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenResponseSerializer},
        auth=[],
    )
    def post(self, request):
        body = TokenRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        http_request = request._request  # axes marks a refused try on this one
        user = authenticate(
            request=http_request,
            username=body.validated_data["username"],
            password=body.validated_data["password"],
        )
        if getattr(http_request, "axes_locked_out", False):
            # Locked, whatever the password: the documented 429, not "wrong password".
            return lockout_response(http_request)
        if user is None or not user.is_active:
            raise exceptions.ValidationError(
                {
                    "non_field_errors": [
                        _(
                            "Nama pengguna atau kata sandi salah. Periksa keduanya "
                            "(huruf besar dan kecil dibedakan) lalu coba lagi."
                        )
                    ]
                }
            )
        token = token_issue(user=user)
        return Response({"token": token.key}, status=status.HTTP_200_OK)
