"""Photos and documents of an activity: uploaded by staff, served only to readers of the activity
(never from a public media folder)."""

from __future__ import annotations

import mimetypes
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from qiao.core import services
from qiao.core import views as generic

from .models import Activity, Attachment

ALLOWED = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".pdf", ".docx", ".xlsx", ".pptx", ".doc", ".xls"}


def check_file(upload):
    """The uploaded file if its type is allowed and its size within the limit, else a ValidationError
    (also used for the attachments of the service ledger's case actions)."""
    if PurePath(upload.name).suffix.lower() not in ALLOWED:
        raise forms.ValidationError(_("Photos (jpg, png, webp, heic), PDF or Office documents only."))
    limit = settings.QIAO_ATTACHMENT_MAX_MB
    if upload.size > limit * 2**20:
        raise forms.ValidationError(_("The file is larger than the limit of %(limit)g MB.") % {"limit": limit})
    return upload


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
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        else:
            data = form.cleaned_data
            attachment = Attachment(activity=activity, file=data["file"], caption=data["caption"])
            services.save(request.user, attachment)
            messages.success(request, _("“%(name)s” is attached.") % {"name": attachment})
        return HttpResponseRedirect(activity.get_absolute_url())


class AttachmentView(View):
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
