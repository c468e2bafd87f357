from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from projects.models import Attachment, Review, Score, Version

        # Every version and review is kept; the trail says who changed what, and when.
        auditlog.register(
            Version, include_fields=["status", "repository_url", "commit", "report", "submitted_at"]
        )
        auditlog.register(
            Review, include_fields=["decision", "comment", "total_points", "passed", "reviewer"]
        )
        auditlog.register(Score, include_fields=["level", "points", "comment"])
        auditlog.register(Attachment, include_fields=["name", "size"])
