from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    text = serializers.SerializerMethodField(help_text=_("What the notification says, in the caller's language."))
    about = serializers.CharField(read_only=True, help_text=_("task, case or unit (a digest)."))
    read = serializers.BooleanField(source="is_read", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "about", "text", "subject", "due_date", "count", "url", "created", "read", "read_at"]
        read_only_fields = fields

    def get_text(self, notification) -> str:
        return notification.text()


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("How many notifications were marked read."))
