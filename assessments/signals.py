"""Single-row saves and deletes outside the services (the admin's own delete, an import-export
resource) still mark the year's tally stale; the services' bulk writes mark it themselves."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from assessments.models import Rating, RatingTally


@receiver(post_save, sender=Rating)
@receiver(post_delete, sender=Rating)
def rating_changed(sender, instance, **kwargs):
    RatingTally.mark_stale(instance.year)
