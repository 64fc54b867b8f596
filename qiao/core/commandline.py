"""What the management commands share: who a command acts as, a clear message from a refusal, and an output
file written whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError


def message(error: Exception) -> str:
    """A refusal's text for the terminal: `field: message` for each field of a ValidationError."""
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
        return " ".join(error.messages)
    return str(error)


def acting_user(username: str, *, missing: str = "There is no active superuser to act as; give --user."):
    """The active user named by --user, or the first active superuser (`missing` when there is none)."""
    from qiao.core.models import User

    if username:
        found = User.objects.filter(username=username, is_active=True).first()
        if found is None:
            raise CommandError(f"--user: there is no active user “{username}”.")
        return found
    found = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if found is None:
        raise CommandError(missing)
    return found


def output_file(output: str) -> Path:
    """The -o file, refused at once when it is a folder or its folder cannot be written."""
    target = Path(output)
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise CommandError(f"-o: {output} is a folder; give a file name.")
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        raise CommandError(f"-o: cannot write into {folder}: no such folder, or no permission.")
    return target


def write_whole(target: Path, data: bytes) -> None:
    """Write the whole file or nothing: a temporary file beside it, renamed over it."""
    folder = target.parent if str(target.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.stem}-", suffix=target.suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise CommandError(f"-o: cannot write {target}: {error.strerror}.") from None
