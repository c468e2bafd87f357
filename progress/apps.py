from typing import Any

from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "progress"

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.db.models.signals import post_delete, post_save

        from curriculum.models import Week
        from curriculum.signals import weeks_loaded
        from progress.models import Enrolment, ScheduleChange

        # Audit trail (admin: Log entries): who changed a learner's schedule or mentor, and when.
        auditlog.register(Enrolment, include_fields=["start_date", "pace", "status", "paused_on", "mentor"])
        auditlog.register(ScheduleChange, include_fields=["from_week", "starts_on", "reason", "changed_by"])

        # Stored standings count the curriculum's weeks: adding, removing or moving a week (admin)
        # makes every standing stale. The handler only enqueues the rebuild (progress.tasks).
        post_save.connect(curriculum_week_changed, sender=Week, dispatch_uid="standings:week-saved")
        post_delete.connect(curriculum_week_changed, sender=Week, dispatch_uid="standings:week-deleted")
        weeks_loaded.connect(curriculum_week_changed, dispatch_uid="standings:weeks-loaded")


def curriculum_week_changed(sender: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw:  # loaddata: load_curriculum rebuilds once when the whole file is in
        return
    from progress.tasks import rebuild_all_standings

    rebuild_all_standings.delay_on_commit()
