from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "qiao.activities"
    label = "activities"
    verbose_name = _("Activities")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_migrate

        from qiao.core import lists

        from .models import Activity, ActivityKind, Participation, TargetGroup

        lists.register("activity-kinds", ActivityKind, _("Kinds of activity"))
        lists.register("target-groups", TargetGroup, _("Target groups"))
        # the stored figures (aggregates.py) follow every deletion of a participation (one, a queryset,
        # a cascade), every change of an activity's target groups, and a deleted target group;
        # saves of participations and activities bring them up to date themselves (models.py)
        uid = "activities.aggregates"
        post_delete.connect(participation_deleted, sender=Participation, dispatch_uid=uid)
        m2m_changed.connect(target_groups_changed, sender=Activity.target_groups.through, dispatch_uid=uid)
        post_delete.connect(target_group_deleted, sender=TargetGroup, dispatch_uid=uid)
        post_migrate.connect(region_trigger, sender=self, dispatch_uid=uid)
        from qiao.core.models import unit_moved

        unit_moved.connect(unit_placed, dispatch_uid=uid)


def participation_deleted(sender, instance, **kwargs) -> None:
    from . import aggregates

    aggregates.refresh(activities=[instance.activity_id], people=[instance.person_id])


def target_groups_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    from . import aggregates
    from .models import Participation

    if reverse:  # group.activity_set.add(…): the activities are `pk_set`
        if action == "pre_clear":
            instance._activities_before_clear = list(instance.activity_set.values_list("pk", flat=True))
            return
        activities = instance.__dict__.pop("_activities_before_clear", []) if action == "post_clear" else pk_set
    else:
        activities = [instance.pk]
    if action in ("post_add", "post_remove", "post_clear") and activities:
        attended = Participation.objects.filter(activity__in=list(activities), status="attended")
        aggregates.refresh(people=attended.values_list("person_id", flat=True))


def target_group_deleted(sender, instance, **kwargs) -> None:
    from . import aggregates

    aggregates.forget_group(instance.pk)


def region_trigger(sender, using="default", **kwargs) -> None:
    """After every migrate: the database trigger that keeps the stored regions equal to the people's."""
    from . import aggregates

    aggregates.ensure_region_trigger(using)


def unit_placed(sender, unit, **kwargs) -> None:
    """A unit moved under another parent: its people's subtree rows of the units above it change."""
    from . import aggregates

    aggregates.rebuild_subtrees()
