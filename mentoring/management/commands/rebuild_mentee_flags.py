from typing import Any

from django.core.management.base import BaseCommand

from mentoring.services import mentee_flags_rebuild_all


class Command(BaseCommand):
    help = (
        "Recompute every enrolment's stored mentee flags (failed quiz, answers to review, project waiting)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = mentee_flags_rebuild_all()
        self.stdout.write(f"Mentee flags rebuilt for {count} enrolments.")
