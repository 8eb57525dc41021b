"""The API's JSON parser: DRF's, but a body too deeply nested to parse is bad input (400), not a 500."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type=media_type, parser_context=parser_context)
        except RecursionError as error:
            # json.loads recurses once per level: `[[[[…]]]]` a hundred thousand deep exhausts the stack.
            raise exceptions.ParseError(_("JSON parse error - the body is nested too deeply.")) from error
