from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.models import User
from accounts.services import demo_accounts_create
from curriculum.models import Week
from mentoring.services import mentees_assign
from progress.models import Enrolment
from progress.scope import enrolment_latest_for
from progress.services import enrolment_create, week_progress_set

DEMO_ACCOUNTS = [
    # (username, e-mail, is_staff, in the mentor group)
    ("admin", "admin@example.com", True, False),
    ("mentor", "mentor@example.com", False, True),
    ("learner", "learner@example.com", False, False),
]


def demo_enrolment() -> Enrolment:
    """Enrol the demo learner three weeks ago with the demo mentor, so every page has something to show."""
    learner = User.objects.get(username="learner")
    enrolment = enrolment_latest_for(learner=learner)
    if enrolment is None:
        today = timezone.now().date()
        enrolment = enrolment_create(learner=learner, start_date=today - timedelta(days=today.weekday() + 14))
        week_progress_set(enrolment=enrolment, week=Week.objects.get(number=1), status="completed")
    mentees_assign(mentor=User.objects.get(username="mentor"), enrolment_ids=[enrolment.pk])
    return enrolment


class Command(BaseCommand):
    help = "Create (or reset) demo admin, mentor and learner accounts and print their passwords."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Allow running outside a local run (LOCAL off; never in production).",
        )

    def handle(self, *args: object, force: bool, **options: object) -> None:
        if not settings.LOCAL and not force:
            raise CommandError("Demo accounts are for local development: run with LOCAL=true or --force.")
        self.stdout.write(self.style.SUCCESS("Demo accounts (passwords are new on every run):"))
        for username, email, password in demo_accounts_create(accounts=DEMO_ACCOUNTS):
            self.stdout.write(f"  {username:<8} e-mail {email:<22} password {password}")
        enrolment = demo_enrolment()
        self.stdout.write(
            f"The demo learner started on {enrolment.start_date:%A %d %B %Y}, has week 1 done, "
            "and is followed by the demo mentor."
        )
        self.stdout.write("Log in at /accounts/login/ with the e-mail (admin too: /admin/ sends you there).")
