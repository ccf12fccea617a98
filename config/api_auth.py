"""API tokens: obtained with username and password, revoked by their owner.

Each call makes a new token (stored hashed, expiring after API_TOKEN_DAYS;
``core.auth``). The password check goes through
``django.contrib.auth.authenticate(request=...)`` so the login lockout
(``config.lockout``) counts API attempts like page logins.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.lockout import lockout_response
from config.tokens import token_create


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, label=gettext_lazy("Nama pengguna"))
    password = serializers.CharField(
        max_length=4096, trim_whitespace=False, label=gettext_lazy("Kata sandi"),
        style={"input_type": "password"},
    )


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text="Kirim sebagai 'Authorization: Token <token>'. Hanya ditampilkan "
        "sekali. / Send as 'Authorization: Token <token>'. Shown only once."
    )
    expiry = serializers.DateTimeField(
        help_text="Token tidak berlaku setelah waktu ini. / The token stops working "
        "after this time."
    )


class TokenView(APIView):
    """Token API: tukar nama pengguna dan kata sandi dengan token baru (disimpan
    tersandi, berlaku 30 hari). Percobaan gagal dihitung penguncian masuk;
    nama yang terkunci dijawab 429. Token juga dapat dibuat, dilihat dan
    dicabut di halaman Profil.

    API token: exchange username and password for a new token (stored hashed,
    valid for 30 days). Failed attempts count towards the login lockout; a
    locked name is answered 429. Tokens can also be created, listed and
    revoked on the profile page."""

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
        instance, key = token_create(user=user)
        response = Response(
            {"token": key, "expiry": instance.expiry}, status=status.HTTP_200_OK
        )
        response["Cache-Control"] = "no-store"
        return response
