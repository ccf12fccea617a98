"""The API's JSON parser: bounded size and nesting, control characters out.

DRF's own parser hands any body to ``json.load``: a body nested a few
thousand levels deep raised RecursionError (a 500, anonymously on the token
endpoint too), and a body of any size was read into memory. This one refuses
both with the API's 400 ``parse_error`` answer before decoding, and cleans every
string (keys too) with ``core.text.clean_text``, the rule forms follow as well.
"""

from __future__ import annotations

import codecs
import json

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.settings import api_settings
from rest_framework.utils.json import strict_constant

from django.conf import settings
from django.utils.translation import gettext as _

from .text import clean_text

# Fields never rewritten: a password is compared as it was typed.
UNTOUCHED_KEYS = frozenset({"password", "old_password", "new_password"})


def max_depth(text: str, limit: int) -> int:
    """The deepest nesting of arrays/objects, counted without recursion; stops
    counting once ``limit`` is passed."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
        elif ch in "]}":
            depth -= 1
    return deepest


def clean_data(value, *, key: str | None = None):
    if isinstance(value, str):
        return value if key in UNTOUCHED_KEYS else clean_text(value)
    if isinstance(value, list):
        return [clean_data(v) for v in value]
    if isinstance(value, dict):
        return {clean_text(k): clean_data(v, key=k) for k, v in value.items()}
    return value


class BodyRefused(ParseError):
    """A body refused before decoding; its message is already the one to show."""


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        limit = settings.API_MAX_JSON_BYTES
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise BodyRefused(
                _("Isi permintaan terlalu besar (lebih dari %(kb)d KB).")
                % {"kb": limit // 1024}
            )
        try:
            text = codecs.decode(raw, encoding)
        except (UnicodeDecodeError, LookupError):
            raise BodyRefused(_("Isi permintaan bukan teks UTF-8 yang sah.")) from None
        depth_limit = settings.API_MAX_JSON_DEPTH
        if max_depth(text, depth_limit) > depth_limit:
            raise BodyRefused(
                _("Isi permintaan bersarang terlalu dalam (lebih dari %(n)d tingkat).")
                % {"n": depth_limit}
            )
        try:
            parse_constant = strict_constant if api_settings.STRICT_JSON else None
            data = json.loads(text, parse_constant=parse_constant)
        except (ValueError, RecursionError) as exc:
            raise BodyRefused(
                _("Isi permintaan bukan JSON yang sah. Periksa tanda kutip dan koma.")
            ) from exc
        return clean_data(data)
