"""Request parsers: JSON as DRF reads it, minus NUL characters, which no text column can store
(PostgreSQL refuses them outright) and no honest client sends."""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


def holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(holds_nul(k) or holds_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(holds_nul(item) for item in value)
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
            nul = holds_nul(data)
        except RecursionError:  # nested deeper than any record is: an attack, not a 500
            raise ParseError(_("The request's JSON is nested too deeply.")) from None
        if nul:
            raise ParseError(_("The request holds a NUL character, which no field accepts."))
        return data
