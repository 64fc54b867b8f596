"""The request a piece of code runs for: who, and which request id, for history and audit."""

from __future__ import annotations

import contextvars
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Actor:
    user: object | None = None
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    source: str = "system"  # web, api, command, task

    @property
    def user_id(self):
        user = self.user
        return user.pk if user is not None and getattr(user, "is_authenticated", False) else None

    @property
    def user_name(self) -> str:
        user = self.user
        return user.get_username() if user is not None and getattr(user, "is_authenticated", False) else ""


_current: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("qiao_actor", default=None)
_request: contextvars.ContextVar[object | None] = contextvars.ContextVar("qiao_request", default=None)


def current() -> Actor:
    actor = _current.get()
    if actor is None:
        actor = Actor()
    request = _request.get()
    if request is not None:
        # DRF authenticates inside the view and sets request.user on the Django request then.
        actor.user = getattr(request, "user", None)
    return actor


@contextmanager
def acting(user=None, source: str = "command", request=None, request_id: str | None = None):
    actor = Actor(user=user, source=source)
    if request_id:
        actor.request_id = request_id
    token = _current.set(actor)
    request_token = _request.set(request)
    try:
        yield actor
    finally:
        _current.reset(token)
        _request.reset(request_token)
