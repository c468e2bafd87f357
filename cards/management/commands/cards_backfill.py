"""Make the review cards of every graded submission (after a quiz's review options change in admin,
or a lost task). Idempotent: existing cards are kept as they are."""

from typing import Any

from django.core.management.base import BaseCommand

from assessments.practice import graded_submission_ids
from cards.services import cards_create_for_submission


class Command(BaseCommand):
    help = "Create the missing review cards of all graded submissions."

    def handle(self, *args: Any, **options: Any) -> None:
        created = sum(cards_create_for_submission(submission_id=pk) for pk in graded_submission_ids())
        self.stdout.write(f"{created} review cards created.")
