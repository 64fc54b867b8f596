"""The service network, users and memberships, and the building blocks every domain model uses."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from qiao import text

from .roles import Role
from .scoping import RestrictedManager, RestrictedQuerySet, unit_ids

PATH_STEP = 10  # digits per level in Unit.path


# ---------------------------------------------------------------------------------------------------------
# Mixins composed into domain models


class ChangeLoggedModel(models.Model):
    """Keeps created/updated stamps; every save and delete is written to the change history."""

    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    # names of fields left out of history snapshots, and reverse relations snapshotted with the record
    history_exclude: tuple[str, ...] = ("created", "updated")
    history_children: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def history_root(self) -> models.Model:
        """The record whose history tab shows changes to this one (itself, or its parent)."""
        return self


class OwnedModel(models.Model):
    """A record holding personal or business data, owned by one unit."""

    unit = models.ForeignKey("core.Unit", verbose_name=_("owning unit"), on_delete=models.PROTECT, related_name="+")
    scope_field = "unit"

    objects = RestrictedManager()

    class Meta:
        abstract = True


def place_in_tree(node: models.Model, digits: int) -> None:
    """Set a saved node's materialised `path` (its ancestors' ids, `digits` digits each, then its own)
    from its parent's, and move every node below it along when the path changed. Call it inside the
    transaction that saved the node."""
    model = type(node)
    parent_path = node.parent.path if node.parent_id else ""
    path = f"{parent_path}{node.pk:0{digits}d}."
    if path == node.path:
        return
    old = node.path
    model.objects.filter(pk=node.pk).update(path=path)
    if old:
        for child in model.objects.filter(path__startswith=old).exclude(pk=node.pk):
            model.objects.filter(pk=child.pk).update(path=path + child.path[len(old) :])
    node.path = path


class LiveQuerySet(RestrictedQuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True)


class LiveManager(models.Manager.from_queryset(LiveQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class SoftDeleteModel(models.Model):
    """Deleting only marks the record; it disappears from every list but stays restorable."""

    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False, db_index=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deleted by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = LiveManager()
    all_objects = models.Manager.from_queryset(LiveQuerySet)()

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def soft_delete(self, user) -> None:
        self.deleted_at = timezone.now()
        self.deleted_by = user
        self.save(update_fields=["deleted_at", "deleted_by", "updated"])

    def restore(self) -> None:
        self.deleted_at = None
        self.deleted_by = None
        self.save(update_fields=["deleted_at", "deleted_by", "updated"])


# ---------------------------------------------------------------------------------------------------------
# The service network


class ListItem(models.Model):
    """An entry of a list the offices edit themselves, named in three languages."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_hant = models.CharField(_("name (Traditional)"), max_length=100, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "code"]

    def __str__(self) -> str:
        language = (get_language() or "").lower()
        if language.startswith("en") and self.name_en:
            return self.name_en
        if language in ("zh-hant", "zh-hk", "zh-tw", "zh-mo") and self.name_hant:
            return self.name_hant
        return self.name


class UnitKind(models.TextChoices):
    CENTRE = "centre", _("Centre")
    BASE = "base", _("Base")
    WORKSTATION = "workstation", _("Workstation")
    OFFICE = "office", _("Office")
    ASSOCIATION = "association", _("Association")
    OTHER = "other", _("Other")


class UnitQuerySet(RestrictedQuerySet):
    def restrict(self, user, action: str = "view"):
        ids = unit_ids(user, action)
        return self if ids is None else self.filter(id__in=ids)


unit_moved = Signal()  # a unit was placed under another parent; `unit`: the unit, its paths and its subtree's new


class Unit(ChangeLoggedModel):
    """A centre, base, workstation or office. Units form a tree of any depth."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices, default=UnitKind.BASE)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.SlugField(
        _("code"),
        max_length=50,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Short code used on the command line, e.g. hz-centre."),
    )
    description = models.TextField(_("description"), blank=True)
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")

    scope_field = "id"
    history_exclude = ("created", "updated", "path")
    history_children = ("memberships",)
    objects = models.Manager.from_queryset(UnitQuerySet)()

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.code = self.code or None  # many units have no code; NULLs never collide
        with transaction.atomic():
            before = Unit.objects.filter(pk=self.pk).values_list("parent_id", flat=True).first() if self.pk else None
            super().save(*args, **kwargs)
            place_in_tree(self, PATH_STEP)
            if before is not None and before != self.parent_id:
                unit_moved.send(sender=Unit, unit=self)  # its subtree's paths are new (stored figures follow)

    @property
    def depth(self) -> int:
        return max(len(self.path) // (PATH_STEP + 1) - 1, 0)

    @property
    def depth_range(self) -> range:
        return range(self.depth)

    def clean(self) -> None:
        if self.parent_id and self.pk:
            node = self.parent
            while node is not None:
                if node.pk == self.pk:
                    raise ValidationError({"parent": _("A unit cannot be placed under itself or its own sub-unit.")})
                node = node.parent

    def ancestors(self) -> list[Unit]:
        ids = [int(part) for part in self.path.split(".") if part][:-1]
        by_id = Unit.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    def subtree(self):
        return Unit.objects.filter(path__startswith=self.path)


# ---------------------------------------------------------------------------------------------------------
# Users and memberships


class UserQuerySet(RestrictedQuerySet):
    def restrict(self, user, action: str = "view"):
        ids = unit_ids(user, "manage" if action != "view" else "view")
        if ids is None:
            return self
        visible = models.Q(memberships__unit_id__in=ids)
        if action == "view":
            visible |= models.Q(pk=user.pk)
        return self.filter(pk__in=User.objects.filter(visible).values("pk"))


TIME_ZONES = [
    ("Asia/Shanghai", _("China Standard Time (Beijing, Guangzhou)")),
    ("Asia/Hong_Kong", _("Hong Kong Time")),
    ("Asia/Macau", _("Macao Time")),
    ("Asia/Taipei", _("Taipei Time")),
    ("Asia/Singapore", _("Singapore Time")),
    ("Asia/Tokyo", _("Tokyo Time")),
    ("Europe/London", _("London Time")),
    ("Europe/Paris", _("Central European Time")),
    ("America/Vancouver", _("Pacific Time (Vancouver, San Francisco)")),
    ("America/New_York", _("Eastern Time (New York, Toronto)")),
    ("Australia/Sydney", _("Sydney Time")),
]


class AmountUnit(models.TextChoices):
    """How a user prefers to enter and read amounts of money (stored as Decimal yuan)."""

    YUAN = "yuan", _("yuan (元)")
    WAN = "wan", _("ten thousand yuan (万元)")
    YI = "yi", _("hundred million yuan (亿元)")


class QiaoUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=40,
        choices=TIME_ZONES,
        blank=True,
        help_text=_("Due dates and reminders follow your own day. Empty: the server's time zone."),
    )
    amount_unit = models.CharField(_("amounts in"), max_length=10, choices=AmountUnit.choices, default=AmountUnit.WAN)

    objects = QiaoUserManager()
    scope_field = "memberships__unit"

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class Membership(ChangeLoggedModel):
    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.STAFF)

    scope_field = "unit"
    objects = RestrictedManager()

    class Meta:
        ordering = ["unit__path", "user__username"]
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="membership_unique_user_unit")]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.unit} ({self.get_role_display()})"

    def history_root(self):
        return self.unit  # membership changes show on the unit's history tab

    def history_summary(self) -> dict:
        return {"user": self.user.get_username(), "role": self.role}


# ---------------------------------------------------------------------------------------------------------
# Tags shared by people, organisations and (later) demands


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=100)
    key = models.CharField(max_length=100, unique=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.key = text.compact(self.name)
        super().save(*args, **kwargs)

    @classmethod
    def for_names(cls, names) -> list[Tag]:
        """Tags for the given names, created when new; 人工智能 and 人工智慧 stay distinct, 陳/陈 fold."""
        tags = []
        for name in names:
            name = " ".join(str(name).split())
            key = text.compact(name)
            if not key:
                continue
            tag = cls.objects.filter(key=key).first() or cls.objects.create(name=name)
            if tag not in tags:
                tags.append(tag)
        return tags


# ---------------------------------------------------------------------------------------------------------
# History and search keys


class ChangeAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")


class ChangeRecord(models.Model):
    """One change to one record: who, when, from which request, before → after. Never edited."""

    time = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("user"),
    )
    user_name = models.CharField(_("user name"), max_length=150, blank=True)
    request_id = models.CharField(_("request"), max_length=36, blank=True, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.BigIntegerField()
    object_repr = models.CharField(_("record"), max_length=200)
    action = models.CharField(_("action"), max_length=10, choices=ChangeAction.choices)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-time"], name="change_object_time")]
        verbose_name = _("change")
        verbose_name_plural = _("changes")

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.user_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValidationError("History cannot be edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("History cannot be deleted.")

    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for every field that differs."""
        before, after = self.before or {}, self.after or {}
        return [
            (key, before.get(key), after.get(key))
            for key in sorted(set(before) | set(after))
            if before.get(key) != after.get(key)
        ]


class ActionLog(models.Model):
    """A named business event (qiao.person.merged, qiao.import.committed …) with structured data."""

    time = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user_name = models.CharField(max_length=150, blank=True)
    request_id = models.CharField(max_length=36, blank=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    object_id = models.BigIntegerField(null=True, blank=True)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["-time", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="actionlog_object"),
            # the access log (qiao/audit) filters by event name, newest first
            models.Index(fields=["action", "-time"], name="actionlog_action_time"),
        ]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.action}"

    @classmethod
    def record(cls, action: str, obj=None, **data) -> ActionLog:
        from .context import current

        actor = current()
        return cls.objects.create(
            action=action,
            user_id=actor.user_id,
            user_name=actor.user_name,
            request_id=actor.request_id,
            content_type=ContentType.objects.get_for_model(type(obj)) if obj is not None else None,
            object_id=getattr(obj, "pk", None),
            data=data,
        )


class SearchKey(models.Model):
    """Derived search keys (folded name, pinyin, Jyutping, Latin tokens) for one record."""

    # Every read names the content type, so two indexes serve them all: (content type, key) for a key or a prefix
    # (a range of it: keys are COLLATE "C" on PostgreSQL, migration 0009) and (content type, object) for a record's
    # keys. No index of its own on the foreign key, nor on the key alone: each is one more index written per key,
    # and a new person has about twenty-five keys (migration 0010, bench/RESULTS.md). Nor a database constraint:
    # keys are derived (`qiao rebuild_search_keys` writes them all again), `object_id` has none either, and
    # PostgreSQL checked the content type of every key written when the transaction ended (80,000 for an import of
    # 10,000 rows; migration 0011).
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    object_id = models.BigIntegerField()
    key = models.CharField(max_length=120)
    weight = models.PositiveSmallIntegerField(default=1)

    class Meta:
        indexes = [
            models.Index(fields=["content_type", "key"], name="searchkey_lookup"),
            models.Index(fields=["content_type", "object_id"], name="searchkey_object"),
        ]

    def __str__(self) -> str:
        return self.key


# ---------------------------------------------------------------------------------------------------------
# API tokens


def hash_token_key(key: str) -> str:
    """What is stored of a token key: its SHA-256 (a key is 160 random bits, so no salt or slow hash is needed)."""
    import hashlib

    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(models.Q(expires__isnull=True) | models.Q(expires__gt=now))

    def manageable_by(self, user):
        """The tokens `user` may see and revoke: their own, and those of the users they administer."""
        if user.is_superuser:
            return self
        administered = User.objects.restrict(user, "manage").values("pk")
        return self.filter(models.Q(user=user) | models.Q(user__in=administered))


class ApiToken(models.Model):
    """A key for the REST API (Authorization: Token <key>). Only the key's SHA-256 and its first
    characters are stored: the key itself is shown once, when the token is created."""

    PREFIX_LENGTH = 8

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, help_text=_("What uses the token, e.g. the HR system."))
    prefix = models.CharField(_("key begins with"), max_length=PREFIX_LENGTH, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    expires = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    read_only = models.BooleanField(
        _("read only"), default=False, help_text=_("The token may read, never add, change or delete.")
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires is not None and self.expires <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @classmethod
    def create_for(cls, user, name: str = "", *, read_only: bool = False, expires=None) -> tuple[ApiToken, str]:
        """A new token of `user` and its key in clear (the only time it is known)."""
        import secrets

        key = secrets.token_hex(20)  # 40 hex digits, the shape of the keys clients already hold
        token = cls.objects.create(
            user=user,
            name=name or gettext_default_token_name(),
            prefix=key[: cls.PREFIX_LENGTH],
            key_hash=hash_token_key(key),
            read_only=read_only,
            expires=expires,
        )
        return token, key

    @classmethod
    def issue(cls, user, name: str = "", *, read_only: bool = False, expires=None) -> str:
        """A new token of `user`; returns the key in clear."""
        return cls.create_for(user, name, read_only=read_only, expires=expires)[1]

    @classmethod
    def find(cls, key: str) -> ApiToken | None:
        return cls.objects.select_related("user").filter(key_hash=hash_token_key(key)).first()

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


def gettext_default_token_name() -> str:
    from django.utils.translation import gettext

    return gettext("API token")


def _unit_url(self) -> str:
    from django.urls import reverse

    return reverse("core:unit", args=[self.pk])


def _user_url(self) -> str:
    from django.urls import reverse

    return reverse("core:user", args=[self.pk])


Unit.get_absolute_url = _unit_url
User.get_absolute_url = _user_url
