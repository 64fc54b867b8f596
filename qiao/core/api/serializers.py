from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .. import scoping
from ..models import Membership, Unit, User
from ..roles import Role
from .fields import ScopedRelatedField


class UnitSerializer(serializers.ModelSerializer):
    parent = ScopedRelatedField(queryset=Unit.objects.all(), allow_null=True, required=False)

    class Meta:
        model = Unit
        fields = ["id", "name", "kind", "parent", "code", "description", "path", "created", "updated"]
        read_only_fields = ["path", "created", "updated"]

    def validate_code(self, code):
        """Blank means no code (DRF skips the unique check on blank strings, so store NULL)."""
        return code or None

    def validate_parent(self, parent):
        user = self.context["request"].user
        if parent is None:
            if not user.is_superuser:
                raise serializers.ValidationError(_("Only a system administrator can create a top-level unit."))
            return parent
        if not scoping.may(user, "manage", parent.pk):
            raise serializers.ValidationError(_("You may only add units under units you administer."))
        if self.instance and parent.path.startswith(self.instance.path):
            raise serializers.ValidationError(_("A unit cannot be placed under itself or its own sub-unit."))
        return parent


class MembershipSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    role = serializers.ChoiceField(choices=Role.choices)


class UserSerializer(serializers.ModelSerializer):
    password = serializers.CharField(write_only=True, required=False, style={"input_type": "password"})
    memberships = MembershipSerializer(many=True, required=False)

    class Meta:
        model = User
        fields = ["id", "username", "password", "display_name", "email", "language", "is_active", "memberships"]

    def validate(self, attrs):
        password = attrs.get("password")
        if password:
            candidate = User(username=attrs.get("username", getattr(self.instance, "username", "")))
            try:
                validate_password(password, candidate)
            except DjangoValidationError as error:
                raise serializers.ValidationError({"password": error.messages}) from error
        elif self.instance is None:
            raise serializers.ValidationError({"password": _("Set a password for the new user.")})
        user = self.context["request"].user
        for index, membership in enumerate(attrs.get("memberships", [])):
            if not scoping.may(user, "manage", membership["unit"].pk):
                raise serializers.ValidationError(
                    {"memberships": {index: {"unit": [_("You may only grant roles in units you administer.")]}}}
                )
        return attrs

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["memberships"] = [{"unit": m.unit_id, "role": m.role} for m in instance.memberships.all()]
        return data

    def save_user(self, actor) -> User:
        from ..services import writing

        data = dict(self.validated_data)
        memberships = data.pop("memberships", None)
        password = data.pop("password", None)
        with writing():
            user = self.instance or User()
            if user.pk and not User.objects.restrict(actor, "manage").filter(pk=user.pk).exists():
                raise serializers.ValidationError(_("You may not change this user."))
            for key, value in data.items():
                setattr(user, key, value)
            if password:
                user.set_password(password)
            user.save()
            if memberships is not None:
                keep = {m["unit"].pk for m in memberships}
                # only memberships in the actor's administered units are touched
                managed = scoping.unit_ids(actor, "manage")
                stale = user.memberships.exclude(unit_id__in=keep)
                if managed is not None:
                    stale = stale.filter(unit_id__in=managed)
                for membership in stale:
                    membership.delete()
                for item in memberships:
                    Membership.objects.update_or_create(user=user, unit=item["unit"], defaults={"role": item["role"]})
            scoping.forget(user)
        return user

    def create(self, validated_data):
        return self.save_user(self.context["request"].user)

    def update(self, instance, validated_data):
        return self.save_user(self.context["request"].user)
