"""Subject access: everything Qiao holds about one person, as one .zip file with data.json (every record,
values in full) and 摘要.md / summary.md (the same, readable, in Chinese).

The records are found generically (relations.linked): every model linked to Person is included, so a
new app's records are exported without a change here."""

from __future__ import annotations

import datetime
import decimal
import io
import json
import zipfile

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qiao.core.models import ActionLog, ChangeRecord

from . import relations, services

FORMAT_VERSION = 1


def _json(value):
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, (bytes, memoryview)):
        return f"<{len(bytes(value))} bytes>"
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    return value


def record(obj: models.Model) -> dict:
    """One record: every stored field (foreign keys as id, with the related record's name), and the
    names of its many-to-many values."""
    user_model = get_user_model()
    data = {"id": obj.pk, "record": str(obj)}
    for f in obj._meta.concrete_fields:
        if f.primary_key:
            continue
        value = getattr(obj, f.attname)
        data[f.attname] = _json(value)
        if f.is_relation and value is not None and f.related_model is not user_model:
            related = getattr(obj, f.name, None)
            data[f"{f.name}__name"] = str(related) if related is not None else None
        elif f.choices and value not in (None, ""):
            data[f"{f.name}__label"] = str(dict(f.flatchoices).get(value, value))
    for f in obj._meta.many_to_many:
        data[f.name] = sorted(str(o) for o in getattr(obj, f.name).all())
    return data


def _label(model) -> str:
    return model._meta.label


def collect(person, user=None) -> dict:
    """Everything about `person`, JSON-ready."""
    found = relations.linked(person)
    data = {
        "format": FORMAT_VERSION,
        "generated_at": timezone.now().isoformat(),
        "generated_by": user.get_username() if getattr(user, "is_authenticated", False) else "",
        "person": record(person),
        "linked": {},
        "history": [],
        "actions": [],
        "benefits": _benefits(person, user),
    }
    objects: dict = {type(person): {person.pk}}
    for item in found:
        records = []
        for obj in item.objects:
            objects.setdefault(type(obj), set()).add(obj.pk)
            records.append(record(obj))
        entry = {
            "model": _label(item.link.model),
            "name": str(item.link.model._meta.verbose_name_plural),
            "field": item.link.field,
            "kind": item.link.kind,
            "records": records,
            "parts": {},
        }
        for key, parts in item.parts.items():
            entry["parts"][key] = [record(obj) for obj in parts]
            for obj in parts:
                objects.setdefault(type(obj), set()).add(obj.pk)
        data["linked"][item.link.label] = entry
    about = Q(pk__in=[])
    for model, pks in objects.items():
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        about |= Q(content_type=content_type, object_id__in=sorted(pks))
    data["history"] = [
        {
            "time": _json(change.time),
            "user": change.user_name,
            "record": change.object_repr,
            "model": _label(change.content_type.model_class()) if change.content_type.model_class() else "",
            "object_id": change.object_id,
            "action": change.action,
            "before": change.before,
            "after": change.after,
        }
        for change in ChangeRecord.objects.filter(about).select_related("content_type").order_by("time", "id")
    ]
    data["actions"] = [
        {"time": _json(log.time), "action": log.action, "user": log.user_name, "data": log.data}
        for log in ActionLog.objects.filter(about).order_by("time", "id")
    ]
    return data


def _benefits(person, user) -> list:
    """The benefits the policy navigator finds the person eligible or nearly eligible for, today."""
    from qiao.policies import services as policies

    found = [item for item in policies.benefits_for(person, user=user) if item.status in ("yes", "nearly")]
    return [
        {
            "benefit": str(item.benefit),
            "policy": str(item.benefit.policy),
            "status": item.status,
            "missing": _json(list(getattr(item.evaluation, "missing", []) or [])),
        }
        for item in policies.attach(found)
    ]


# ---------------------------------------------------------------------------------------------------------
# The readable summary


def _cell(value) -> str:
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    return str(value).replace("|", "\\|").replace("\n", " ")


def summary(data: dict) -> str:
    """data.json laid out as Markdown, in Simplified Chinese."""
    with translation.override("zh-hans"):
        person = data["person"]
        lines = [
            f"# {_('All data about %(name)s') % {'name': person.get('name', '')}}",
            "",
            _("Generated on %(time)s by %(user)s. The file data.json holds the same records in full.")
            % {"time": data["generated_at"][:19].replace("T", " "), "user": data["generated_by"] or "—"},
            "",
            f"## {_('Personal details')}",
            "",
            f"| {_('Field')} | {_('Value')} |",
            "|---|---|",
        ]
        for key, value in person.items():
            lines.append(f"| {key} | {_cell(value)} |")
        for entry in data["linked"].values():
            lines += ["", f"## {entry['name']} ({len(entry['records'])})", ""]
            lines += _table(entry["records"])
            for key, parts in entry["parts"].items():
                lines += ["", f"### {key} ({len(parts)})", ""]
                lines += _table(parts)
        if data["benefits"]:
            lines += ["", f"## {_('Benefits (policy navigator)')}", ""]
            lines += _table(data["benefits"])
        lines += ["", f"## {_('Change history')} ({len(data['history'])})", ""]
        for change in data["history"]:
            lines.append(
                f"- {change['time'][:19].replace('T', ' ')} {change['user'] or '—'} "
                f"{change['action']} {change['model']} #{change['object_id']} {change['record']}"
            )
        lines += ["", f"## {_('Recorded events')} ({len(data['actions'])})", ""]
        for log in data["actions"]:
            lines.append(f"- {log['time'][:19].replace('T', ' ')} {log['user'] or '—'} {log['action']}")
    return "\n".join(lines) + "\n"


def _table(rows: list[dict]) -> list[str]:
    if not rows:
        return ["—"]
    keys = [k for k in rows[0] if not k.endswith("_id") or k[:-3] + "__name" not in rows[0]]
    out = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    out += ["| " + " | ".join(_cell(row.get(k)) for k in keys) + " |" for row in rows]
    return out


# ---------------------------------------------------------------------------------------------------------


def export_person(user, person) -> tuple[str, bytes]:
    """(file name, .zip bytes) of everything about `person`, for a manager of the owning unit; the
    export is logged (qiao.privacy.exported) and, when the user works from a unit outside the mainland,
    entered in the register of cross-border transfers."""
    if not services.may_manage(user, person):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("Only a manager of the person's own unit can do this."))
    with services.as_actor(user), transaction.atomic():
        data = collect(person, user)
        content = json.dumps(data, ensure_ascii=False, indent=2, default=str)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("data.json", content)
            archive.writestr("summary.md", summary(data))
        transfers = services.record_export_transfer(user, person)
        ActionLog.record(
            "qiao.privacy.exported",
            person,
            records=sum(len(e["records"]) for e in data["linked"].values()) + 1,
            history=len(data["history"]),
            transfers=[t.pk for t in transfers],
        )
    return f"person-{person.pk}-data.zip", buffer.getvalue()
