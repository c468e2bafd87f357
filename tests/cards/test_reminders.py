"""The weekly reminder says how many review cards are due that day in the learner's time zone."""

from datetime import timedelta

from django.core import mail
from freezegun import freeze_time

from assessments.models import Question
from cards.models import Card
from tests.assessments.conftest import make_quiz
from tests.reminders.conftest import RUN, make_enrolment, run_reminders


@freeze_time(RUN)
def test_the_reminder_counts_the_cards_due_today(db):
    ada, bob = make_enrolment("ada").learner, make_enrolment("bob").learner
    quiz = make_quiz(week=1)
    extra = Question.objects.bulk_create(
        Question(quiz=quiz, order=10 + n, kind="short_text", prompt=f"Q{n}", accepted_answers=["a"])
        for n in range(13)
    )
    Card.objects.bulk_create(Card(learner=ada, question=q, due=RUN - timedelta(hours=1)) for q in extra[:12])
    Card.objects.create(learner=ada, question=extra[12], due=RUN + timedelta(days=2))  # not today
    Card.objects.create(learner=bob, question=extra[0], due=RUN, retired_at=RUN)  # retired
    run_reminders()
    by_address = {message.to[0]: message for message in mail.outbox}
    ada_mail = by_address[ada.email]
    assert "12 cards to review today: http://127.0.0.1:8000/review/" in ada_mail.body
    assert "12 cards to review today</a>." in ada_mail.alternatives[0].content
    assert "to review" not in by_address[bob.email].body
