from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "progress"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from progress.models import Enrolment, ScheduleChange

        # Audit trail (admin: Log entries): who changed a learner's schedule or mentor, and when.
        auditlog.register(Enrolment, include_fields=["start_date", "pace", "status", "paused_on", "mentor"])
        auditlog.register(ScheduleChange, include_fields=["from_week", "starts_on", "reason", "changed_by"])
