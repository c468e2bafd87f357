from django.apps import AppConfig


class CohortsConfig(AppConfig):
    name = "cohorts"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from cohorts.models import Cohort, Membership

        # Audit trail: who moved a learner into a cohort, and who changed a cohort's dates or pace.
        auditlog.register(Cohort, include_fields=["name", "start_date", "pace", "timezone"])
        auditlog.register(Membership, include_fields=["cohort", "enrolment"])
