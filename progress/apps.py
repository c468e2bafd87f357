from typing import Any

from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "progress"

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.db.models.signals import pre_save

        from lms import page_cache
        from progress.models import Enrolment, ScheduleChange, WeekProgress

        # Audit trail (admin: Log entries): who changed a learner's schedule or mentor, and when.
        auditlog.register(Enrolment, include_fields=["start_date", "pace", "status", "paused_on", "mentor"])
        auditlog.register(ScheduleChange, include_fields=["from_week", "starts_on", "reason", "changed_by"])

        # Cached pages (lms.page_cache): a learner's own pages, and those of the mentor before and after.
        page_cache.watch(
            Enrolment,
            learner_ids=lambda enrolment: [enrolment.learner_id],
            mentor_ids=lambda enrolment: [enrolment.mentor_id, getattr(enrolment, "_mentor_before", None)],
        )
        pre_save.connect(remember_mentor, sender=Enrolment, dispatch_uid="page-cache:mentor-before")
        for model in (ScheduleChange, WeekProgress):
            page_cache.watch(model, learner_ids=page_cache.learner_of_enrolment)


def remember_mentor(sender: Any, instance: Any, **kwargs: Any) -> None:
    from lms import page_cache

    if instance.pk and page_cache.enabled():
        instance._mentor_before = (
            type(instance).objects.filter(pk=instance.pk).values_list("mentor_id", flat=True).first()
        )
