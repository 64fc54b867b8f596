"""The bulletin page (choose unit, period, language, format; preview or download) and the editor of
bulletin templates. The rules are in bulletin.py; the files are written by documents.py."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views import View

from qiao.core.models import ActionLog

from . import bulletin, bulletin_templates, documents, metrics
from .bulletin_forms import BulletinForm, BulletinTemplateForm
from .models import BulletinTemplate


def _catalogue() -> list[dict]:
    """The metrics a template may use, with their breakdowns, for the editor's side list."""
    return [
        {
            "key": metric.key,
            "label": metric.label,
            "definition": metric.definition,
            "breakdowns": [metrics.BREAKDOWNS[by] for by in metrics.breakdowns(metric)],
        }
        for metric in metrics.CATALOGUE.values()
    ]


def _preview(made: bulletin.Bulletin) -> list[dict]:
    """The bulletin's sections as the preview shows them: paragraphs, tables with their cells as the
    DOCX shows them, charts as PNG data URIs."""
    sections = []
    for section in made.sections:
        blocks = []
        for block in section.blocks:
            if isinstance(block, str):
                blocks.append({"kind": "text", "text": block})
            elif isinstance(block, bulletin.Table):
                rows = [(label, [documents.cell_text(c) for c in cells]) for label, cells in block.rows]
                total = (block.total[0], [documents.cell_text(c) for c in block.total[1]]) if block.total else None
                blocks.append({"kind": "table", "table": block, "rows": rows, "total": total})
            else:
                blocks.append({"kind": "chart", "chart": block, "uri": documents.chart_data_uri(block)})
        sections.append({"heading": section.heading, "blocks": blocks})
    return sections


class BulletinView(LoginRequiredMixin, View):
    """GET without parameters: the form; with them: the bulletin previewed, or downloaded (`download`)."""

    template_name = "reports/bulletins.html"

    def get(self, request):
        bulletin_templates.ensure_default()
        bound = bool(request.GET)
        form = BulletinForm(request.GET if bound else None, user=request.user)
        context = {
            "form": form,
            "templates": self.templates(request.user),
            "may_add": bulletin_templates.may_add(request.user),
        }
        if not bound:
            return render(request, self.template_name, context)
        if not form.is_valid():
            return render(request, self.template_name, context, status=400)
        data = form.cleaned_data
        try:
            made = bulletin.build(
                request.user,
                period=data["the_period"],
                unit=data["unit"],
                lang=data["lang"],
                exact=data["exact"],
                template=data["template"],
            )
        except ValidationError as error:  # a stored template that no longer passes (a metric removed)
            form.add_error("template", error.messages)
            return render(request, self.template_name, context, status=400)
        if request.GET.get("download"):
            return self.download(made, data["format"], data["unit"])
        context.update(bulletin=made, preview=_preview(made))
        context["no_charts"] = any(
            b["kind"] == "chart" and not b["uri"] for s in context["preview"] for b in s["blocks"]
        )
        return render(request, self.template_name, context)

    def download(self, made: bulletin.Bulletin, fmt: str, unit):
        data = documents.render(made, fmt)
        ActionLog.record(
            "qiao.bulletin.downloaded",
            unit,
            period=[made.period.start.isoformat(), made.period.end.isoformat()],
            lang=made.lang,
            format=fmt,
            exact=made.exact,
            template=made.template_name,
        )
        response = FileResponse(
            io.BytesIO(data),
            as_attachment=True,
            filename=documents.filename(made, fmt),
            content_type=documents.CONTENT_TYPES[fmt],
        )
        return response

    def templates(self, user) -> list[dict]:
        return [
            {"object": template, "may_edit": bulletin_templates.may_edit(user, template)}
            for template in bulletin_templates.templates_for(user)
        ]


class TemplateEditView(LoginRequiredMixin, View):
    """A new bulletin template (optionally a copy of one: ?copy=ID), or an existing one edited by a
    manager of its unit (the shared ones: by system administrators)."""

    template_name = "reports/bulletin_template.html"

    def get_object(self, request, pk):
        if pk is None:
            if not bulletin_templates.may_add(request.user):
                raise PermissionDenied(_("Only managers may write bulletin templates."))
            template = BulletinTemplate(title=bulletin_templates.DEFAULT_TITLE, body=bulletin_templates.DEFAULT_BODY)
            source = request.GET.get("copy", "")
            if source.isdigit():
                copied = bulletin_templates.templates_for(request.user).filter(pk=int(source)).first()
                if copied is None:
                    raise Http404(_("There is no such bulletin template."))
                template.name, template.title, template.body = (
                    _("Copy of %(name)s") % {"name": copied.name},
                    copied.title,
                    copied.body,
                )
            return template
        template = get_object_or_404(bulletin_templates.templates_for(request.user), pk=pk)
        if not bulletin_templates.may_edit(request.user, template):
            raise PermissionDenied(_("You may not change this bulletin template."))
        return template

    def render_form(self, request, template, form, status=200):
        context = {
            "object": template,
            "form": form,
            "metrics": _catalogue(),
            "breakdowns": bulletin_templates.BREAKDOWN_WORDS,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk=None):
        template = self.get_object(request, pk)
        return self.render_form(request, template, BulletinTemplateForm(instance=template, user=request.user))

    def post(self, request, pk=None):
        template = self.get_object(request, pk)
        form = BulletinTemplateForm(request.POST, instance=template, user=request.user)
        if form.is_valid():
            try:
                saved = form.save(request.user)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Saved “%(name)s”.") % {"name": saved})
                return HttpResponseRedirect(saved.get_absolute_url())
        return self.render_form(request, template, form, status=400)
