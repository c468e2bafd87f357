from django.apps import AppConfig
from django.db.models.signals import post_migrate

# The Mentors group's permissions: read learners' progress and quiz work, write feedback and reviews.
MENTOR_PERMISSIONS = [
    ("progress", "view_enrolment"),
    ("progress", "view_weekprogress"),
    ("mentoring", "view_weekfeedback"),
    ("mentoring", "add_weekfeedback"),
    ("mentoring", "view_phasereview"),
    ("mentoring", "add_phasereview"),
    ("assessments", "view_submission"),
    ("assessments", "view_answer"),
    ("assessments", "change_answer"),
]


def ensure_mentor_group(**kwargs: object) -> None:
    """Keep the Mentors group and its permissions after every migrate (admins may add more)."""
    from django.contrib.auth.models import Group, Permission

    from accounts.models import User

    group, _ = Group.objects.get_or_create(name=User.MENTOR_GROUP)
    for app_label, codename in MENTOR_PERMISSIONS:
        permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
        if permission:
            group.permissions.add(permission)


class MentoringConfig(AppConfig):
    name = "mentoring"

    def ready(self) -> None:
        post_migrate.connect(ensure_mentor_group, sender=self)
        from assessments.signals import quiz_records_refreshed
        from mentoring import receivers
        from progress.signals import enrolment_saved
        from projects.signals import versions_changed

        quiz_records_refreshed.connect(receivers.quiz_records_refreshed, dispatch_uid="mentee-flags-quiz")
        versions_changed.connect(receivers.versions_changed, dispatch_uid="mentee-flags-versions")
        enrolment_saved.connect(receivers.enrolment_saved, dispatch_uid="mentee-flags-enrolment")
