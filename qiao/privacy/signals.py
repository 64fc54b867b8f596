"""A person shared with a unit outside the mainland is a cross-border transfer: recorded in the same
transaction as the share, whichever way the share was made (page, API, import, command)."""

from django.db.models.signals import post_save
from django.dispatch import receiver


@receiver(post_save, sender="people.PersonShare", dispatch_uid="qiao.privacy.share_transfer")
def _share_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        from .services import record_share_transfer

        record_share_transfer(instance)
