"""The API's parsers: DRF's, refusing with a 400 the bodies that would otherwise end in a 500 — numbers
beyond a float, absurd nesting, and text no field can store (lms.input_checks: lone surrogates, NUL)."""

import codecs
import math
from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.utils import json

from lms.input_checks import unstorable_field, unstorable_message

# Deeper than any body the API documents (an answer is a list of ids at most: depth 3), and far below
# what Python's recursion limit allows the parser and the validators that walk a body.
MAX_DEPTH = 32


def finite_float(text: str) -> float:
    """JSON allows 1e400, which Python reads as infinity: no field of this API can hold it."""
    value = float(text)
    if not math.isfinite(value):
        raise ParseError(f"JSON parse error - the number {text[:20]} is too large.")
    return value


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether lists and objects nest deeper than the limit (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in item)
    return False


def refuse_unstorable(data: Any) -> None:
    """A 400 naming the first field whose text cannot be stored, keyed by the top-level field as the
    serializers' errors are, the path of a nested value in the message: `{"answers": ["answers.12: This
    value contains a NUL character …"]}`."""
    found = unstorable_field(data)
    if found is not None:
        path, reason = found
        field = path.split(".", 1)[0]
        message = unstorable_message(reason)
        raise ValidationError({field: [message if path == field else f"{path}: {message}"]})


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, which also refuses (400, "JSON parse error - …") numbers too large for a float
    and lists or objects nested deeper than MAX_DEPTH: Python's parser raises RecursionError near a
    thousand levels, and validators walking a body nested a little less deep would do the same."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        encoding = parsers.get_encoding(parser_context or {})  # type: ignore[attr-defined]
        try:
            data = json.load(
                codecs.getreader(encoding)(stream),  # type: ignore[arg-type]
                parse_constant=json.strict_constant if self.strict else None,
                parse_float=finite_float,
            )
        except RecursionError as error:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels.") from error
        except ValueError as error:
            raise ParseError(f"JSON parse error - {error}") from error
        if too_deep(data):
            raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels.")
        refuse_unstorable(data)
        return data


class FormParser(parsers.FormParser):
    """DRF's form parser, refusing text no field can store (as the JSON parser does)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        refuse_unstorable(data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    """DRF's multipart parser, refusing text no field can store in its fields and file names."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        parsed = super().parse(stream, media_type, parser_context)
        refuse_unstorable(parsed.data)
        refuse_unstorable({key: [f.name for f in files] for key, files in parsed.files.lists()})
        return parsed
