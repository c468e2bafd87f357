from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CardsConfig(AppConfig):
    name = "cards"
    verbose_name = _("Review cards")

    def ready(self) -> None:
        from assessments.signals import submission_graded
        from exercises.signals import run_finished

        submission_graded.connect(submission_graded_received, dispatch_uid="cards-from-graded-submission")
        run_finished.connect(exercise_run_finished_received, dispatch_uid="cards-from-exercise-run")


def submission_graded_received(sender: Any, submission_id: int, answers_shown: bool, **kwargs: Any) -> None:
    """Queue the cards of a graded submission whose correct answers the learner may now see (the rule
    is `services.cards_create_for_submission`, which checks again). A first failed attempt whose
    answers wait for the quiz to be finished queues nothing: its cards come with the attempt that
    finishes the quiz, which makes them of every attempt shown (most gradings: no second task)."""
    if not answers_shown:
        return
    from cards.tasks import cards_enqueue_for_submission

    cards_enqueue_for_submission(submission_id=submission_id)


def exercise_run_finished_received(sender: Any, run_id: int, **kwargs: Any) -> None:
    """Queue the card of a finished exercise submission (the rule, which decides whether there is one,
    is `services.card_create_for_exercise_run`; sent by the sandbox worker after the result commits)."""
    from cards.tasks import card_enqueue_for_exercise_run

    card_enqueue_for_exercise_run(run_id=run_id)
