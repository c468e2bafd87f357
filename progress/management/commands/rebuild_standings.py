from typing import Any

from django.core.management.base import BaseCommand

from progress.standings import standings_rebuild_all


class Command(BaseCommand):
    help = "Recompute every enrolment's stored standing from its schedule (repair; safe to run any time)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = standings_rebuild_all()
        self.stdout.write(f"{count} standing(s) rebuilt.")
