"""The OpenAPI schema tells the whole truth: besides each operation's own answer, it documents the
error answers every endpoint may give (and that tests/test_api_fuzz.py checks against).

400  the input is invalid: {field: [messages]} or {"detail": message} (unreadable body, bad filter)
401  no or an unknown token (or session)
403  the caller's role or scope does not allow the operation
404  no such record within the caller's scope (or no such page of a list)
415  a body in a media type the operation does not read (POST, PUT, PATCH)
429  too many requests; the Retry-After header says when to come back
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "additionalProperties": True,
}
VALIDATION = {
    "type": "object",
    "description": "The fields in error with their messages (non_field_errors for the whole record), or detail.",
    "additionalProperties": True,
}
ERRORS = {
    "400": (_("The input is invalid; the body names each field in error."), VALIDATION),
    "401": (_("No credentials, or a token that is unknown, expired or revoked."), DETAIL),
    "403": (_("The caller's role or unit does not allow this."), DETAIL),
    "404": (_("No such record within the caller's scope."), DETAIL),
    "429": (_("Too many requests; try again after the Retry-After header's seconds."), DETAIL),
}
BODY_ERRORS = {"415": (_("The body's media type is not one this operation reads."), DETAIL)}


class AutoSchema(openapi.AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = {**ERRORS, **(BODY_ERRORS if self.method in ("POST", "PUT", "PATCH") else {})}
        for status, (description, body) in errors.items():
            responses.setdefault(
                status, {"description": str(description), "content": {"application/json": {"schema": body}}}
            )
        return responses
