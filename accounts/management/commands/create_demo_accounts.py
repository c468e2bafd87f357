from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.services import demo_accounts_create

DEMO_ACCOUNTS = [
    # (username, e-mail, is_staff, in the mentor group)
    ("admin", "admin@example.com", True, False),
    ("mentor", "mentor@example.com", False, True),
    ("learner", "learner@example.com", False, False),
]


class Command(BaseCommand):
    help = "Create (or reset) demo admin, mentor and learner accounts and print their passwords."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Allow running with DEBUG off (never in production)."
        )

    def handle(self, *args: object, force: bool, **options: object) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("Demo accounts are for local development: run with DEBUG=true or --force.")
        self.stdout.write(self.style.SUCCESS("Demo accounts (passwords are new on every run):"))
        for username, email, password in demo_accounts_create(accounts=DEMO_ACCOUNTS):
            self.stdout.write(f"  {username:<8} e-mail {email:<22} password {password}")
        self.stdout.write("Log in at /accounts/login/ with the e-mail, or at /admin/ with admin's username.")
