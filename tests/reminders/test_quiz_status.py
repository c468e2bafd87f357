"""The weekly reminder shows this week's quiz status, loaded per batch (assessments' own rules)."""

import pytest
from django.core import mail
from freezegun import freeze_time

from curriculum.models import Week
from tests.reminders.conftest import RUN, run_reminders

assessments_selectors = pytest.importorskip("assessments.selectors")
if not hasattr(assessments_selectors, "summarise"):
    pytest.skip("assessments has no quiz summaries yet", allow_module_level=True)


@freeze_time(RUN)
def test_the_weekly_reminder_shows_this_weeks_quiz_status(enrol):
    from assessments.models import Quiz, Submission

    week_five = Quiz.objects.filter(week__number=5, is_published=True).order_by("id")
    quiz = week_five.first() or Quiz.objects.create(
        week=Week.objects.get(number=5), title="Tokenizers check", is_published=True
    )
    passed = enrol("ada")
    enrol("bob")
    Submission.objects.create(
        learner=passed.learner, quiz=quiz, attempt_number=1, status="graded", percent=90, passed=True
    )
    run_reminders()
    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert f"Quiz: {quiz.title} (passed): http://127.0.0.1:8000/" in bodies["ada@example.com"]
    assert f"Quiz: {quiz.title} (not taken)" in bodies["bob@example.com"]
