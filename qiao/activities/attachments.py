"""Photos and documents of an activity: uploaded by staff, served only to readers of the activity
(never from a public media folder)."""

from __future__ import annotations

import mimetypes
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from qiao.core import services
from qiao.core import views as generic
from qiao.core.uploads import check_upload

from .models import Activity, Attachment

ALLOWED = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".pdf", ".docx", ".xlsx", ".pptx", ".doc", ".xls"}


def check_file(upload):
    """The uploaded file, safely named, if its content (not only its name) is of an allowed type and its
    size within the limit, else a ValidationError (also used for the attachments of the service ledger's
    case actions)."""
    return check_upload(
        upload,
        allowed=ALLOWED,
        max_bytes=settings.QIAO_ATTACHMENT_MAX_MB * 2**20,
        allowed_text=_("Photos (jpg, png, webp, heic), PDF or Office documents only."),
    )


def file_response(stored, name: str = "") -> FileResponse:
    """Serve a stored file to a reader the caller has checked: photos and PDFs shown in the browser,
    anything else downloaded; 404 when the file is gone."""
    try:
        handle = stored.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    name = name or PurePath(stored.name).name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    inline = content_type.startswith("image/") or content_type == "application/pdf"
    return FileResponse(handle, as_attachment=not inline, filename=name, content_type=content_type)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Photo or document"))
    caption = forms.CharField(label=gettext_lazy("Caption"), max_length=200, required=False)

    def clean_file(self):
        return check_file(self.cleaned_data["file"])


class AttachmentAddView(generic.ObjectMixin, View):
    queryset = Activity.objects.all()
    action = "change"

    def post(self, request, pk):
        activity = self.get_object()
        form = AttachmentForm(request.POST, request.FILES)
        if not form.is_valid():  # 400, naming the field, with the way back to the activity
            message = " ".join(
                f"{form.fields[name].label if name in form.fields else ''}: {error}"
                for name, errors in form.errors.items()
                for error in errors
            )
            context = {"status": 400, "message": message, "back_url": activity.get_absolute_url()}
            return render(request, "error.html", context, status=400)
        else:
            data = form.cleaned_data
            attachment = Attachment(activity=activity, file=data["file"], caption=data["caption"])
            services.save(request.user, attachment)
            messages.success(request, _("“%(name)s” is attached.") % {"name": attachment})
        return HttpResponseRedirect(activity.get_absolute_url())


class AttachmentView(LoginRequiredMixin, View):
    """Download (or show, for a photo) an attachment of an activity the reader may see."""

    def get(self, request, pk):
        attachment = get_object_or_404(
            Attachment.objects.filter(activity__in=Activity.objects.restrict(request.user)), pk=pk
        )
        return file_response(attachment.file)

    def post(self, request, pk):
        """Remove the attachment (the same right as changing the activity)."""
        attachment = get_object_or_404(
            Attachment.objects.filter(activity__in=Activity.objects.restrict(request.user, "change")), pk=pk
        )
        activity = attachment.activity
        _remove(attachment)
        messages.success(request, _("The attachment is removed."))
        return HttpResponseRedirect(activity.get_absolute_url())


def _remove(attachment: Attachment) -> None:
    with services.writing():
        attachment.delete()
    attachment.file.delete(save=False)
