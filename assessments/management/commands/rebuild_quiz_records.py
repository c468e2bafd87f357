from typing import Any

from django.core.management.base import BaseCommand

from assessments.records import quiz_records_rebuild_all


class Command(BaseCommand):
    help = "Recompute every learner's stored quiz record from their submissions (repair; safe any time)."

    def handle(self, *args: Any, **options: Any) -> None:
        quiz_records_rebuild_all()
        self.stdout.write("Quiz records rebuilt.")
