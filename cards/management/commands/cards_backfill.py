"""Make the review cards of every graded submission and of every missed code exercise (after a quiz's
review options change in admin, or a lost task). Idempotent: existing cards are kept as they are."""

from typing import Any

from django.core.management.base import BaseCommand

from assessments.practice import graded_submission_ids
from cards.services import card_create_for_exercise_run, cards_create_for_submission
from exercises.selectors import missed_exercise_runs


class Command(BaseCommand):
    help = "Create the missing review cards of all graded submissions and missed exercises."

    def handle(self, *args: Any, **options: Any) -> None:
        created = sum(cards_create_for_submission(submission_id=pk) for pk in graded_submission_ids())
        created += sum(card_create_for_exercise_run(run_id=pk) for pk in missed_exercise_runs())
        self.stdout.write(f"{created} review cards created.")
