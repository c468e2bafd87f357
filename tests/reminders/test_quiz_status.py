"""The weekly reminder shows this week's quiz status, loaded per batch (assessments' own rules)."""

from django.core import mail
from freezegun import freeze_time

from curriculum.models import Week
from tests.reminders.conftest import RUN, run_reminders


@freeze_time(RUN)
def test_the_weekly_reminder_shows_this_weeks_quiz_status(enrol):
    from assessments.models import Quiz, Submission

    week_five = Quiz.objects.filter(week__number=5, is_published=True).order_by("id")
    quiz = week_five.first() or Quiz.objects.create(
        week=Week.objects.get(number=5), title="Tokenizers check", is_published=True
    )
    passed = enrol("ada")
    enrol("bob")
    Submission.objects.create(  # made under the enrolment, as every enrolled learner's attempt is
        learner=passed.learner, enrolment=passed, quiz=quiz, attempt_number=1, status="graded", percent=90,
        passed=True,
    )  # fmt: skip
    run_reminders()
    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert f"Quiz: {quiz.title} (passed): http://127.0.0.1:8000/" in bodies["ada@example.com"]
    assert f"Quiz: {quiz.title} (not taken)" in bodies["bob@example.com"]


@freeze_time(RUN)
def test_a_batch_summarises_each_learner_on_their_own_week_only(db):
    """Two learners in different weeks, both weeks with a quiz: two summaries, not each learner on each
    week (a batch of 1,000 learners over 50 weeks summarised 50,000)."""
    from datetime import timedelta

    from assessments.models import Quiz
    from reminders.selectors import quiz_summaries_for_batch, reminders_due
    from tests.reminders.conftest import START, make_enrolment

    for number in (3, 5):
        if not Quiz.objects.filter(week__number=number, is_published=True).exists():
            Quiz.objects.create(
                week=Week.objects.get(number=number), title=f"Week {number}", is_published=True
            )
    on_five = make_enrolment("ada")
    on_three = make_enrolment("bob", start=START + timedelta(weeks=2), completed=[1, 2])
    due = reminders_due(enrolment_ids=[on_five.pk, on_three.pk], as_of=RUN)
    weeks = {item.learner_id: item.week for item in due if item.kind == "weekly"}
    assert weeks == {on_five.learner_id: 5, on_three.learner_id: 3}
    assert set(quiz_summaries_for_batch(due=due)) == {(on_five.learner_id, 5), (on_three.learner_id, 3)}
