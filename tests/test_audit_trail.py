"""The audit trail (django-auditlog): who changed a learner's mentor, schedule or grade, and when."""

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from rest_framework.authtoken.models import Token

from assessments import autograding
from assessments import services as assessment_services
from assessments.models import Answer, Submission
from progress.models import Enrolment, ScheduleChange
from progress.services import enrolment_create
from tests.assessments.conftest import make_quiz, perfect_answers


def entries_for(obj) -> list[LogEntry]:
    return list(LogEntry.objects.get_for_object(obj).order_by("timestamp", "pk"))


def assert_visible_in_admin(client, staff, entry: LogEntry, *texts: str) -> None:
    client.force_login(staff)
    listing = client.get(reverse("admin:auditlog_logentry_changelist")).content.decode()
    assert reverse("admin:auditlog_logentry_change", args=[entry.pk]) in listing
    page = client.get(reverse("admin:auditlog_logentry_change", args=[entry.pk])).content.decode()
    for text in texts:
        assert text in page, f"{text!r} not on the admin page of {entry}"


@pytest.mark.django_db
def test_a_mentor_assignment_in_admin_records_who_made_it(client, staff, mentor, learner):
    enrolment = enrolment_create(learner=learner, start_date=timezone.now().date())
    client.force_login(staff)
    url = reverse("admin:accounts_user_change", args=[mentor.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {key: value for key, value in data.items() if value is not None}
    data.update(groups=[group.pk for group in mentor.groups.all()], user_permissions=[])
    data.update(mentees=[enrolment.pk], date_joined_0="2026-11-01", date_joined_1="10:00:00")
    data.pop("date_joined", None)
    data.pop("last_login", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    entry = entries_for(enrolment)[-1]
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.actor == staff
    assert entry.changes_dict["mentor"] == ["None", str(mentor.pk)]
    assert_visible_in_admin(client, staff, entry, "Mentor", str(staff))


@pytest.mark.django_db
def test_a_re_plan_records_the_learner_and_the_new_dates(client, staff, learner):
    with freeze_time("2026-10-26"):
        enrolment_create(learner=learner, start_date=date(2026, 10, 26))
    client.force_login(learner)
    with freeze_time("2026-11-24 12:00"):
        assert client.post(reverse("progress:replan")).status_code == 302
    change = ScheduleChange.objects.get()
    entry = entries_for(change)[-1]
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor == learner
    assert entry.changes_dict["from_week"] == ["None", "1"]
    assert entry.changes_dict["starts_on"] == ["None", "2026-11-23"]
    assert entry.timestamp.date() == date(2026, 11, 24)
    assert_visible_in_admin(client, staff, entry, "Starts on", str(learner))


@pytest.mark.django_db
def test_pausing_records_the_status_change(client, learner):
    enrolment = enrolment_create(learner=learner, start_date=timezone.now().date())
    client.force_login(learner)
    client.post(reverse("progress:pause"))
    entry = entries_for(Enrolment.objects.get(pk=enrolment.pk))[-1]
    assert entry.actor == learner
    assert entry.changes_dict["status"] == ["active", "paused"]


def submission_waiting_for_review(learner, mentor) -> tuple[Submission, Answer]:
    enrolment_create(learner=learner, start_date=timezone.now().date())
    Enrolment.objects.filter(learner=learner).update(mentor=mentor)
    quiz = make_quiz(week=3, free_text=True)
    submission = assessment_services.submission_create(
        learner=learner, quiz=quiz, answers=perfect_answers(quiz)
    )
    autograding.submission_grade(submission_id=submission.pk)
    return submission, Answer.objects.get(submission=submission, question__kind="free_text")


@pytest.mark.django_db
def test_a_mentors_free_text_grade_records_the_mentor_and_the_points(client, staff, mentor, learner):
    submission, answer = submission_waiting_for_review(learner, mentor)
    client.force_login(mentor)
    prefix = f"answer-{answer.pk}"
    response = client.post(
        reverse("assessments:submission-review", args=[submission.pk]),
        {"answer_id": answer.pk, f"{prefix}-points": "3", f"{prefix}-feedback": "Nearly."},
    )
    assert response.status_code == 302

    answer_entry = entries_for(answer)[-1]
    assert answer_entry.actor == mentor
    assert answer_entry.changes_dict["awarded_points"] == ["None", "3.00"]
    submission_entry = entries_for(Submission.objects.get(pk=submission.pk))[-1]
    assert submission_entry.actor == mentor
    assert submission_entry.changes_dict["status"] == ["needs_review", "graded"]
    assert submission_entry.changes_dict["score"] == ["6.000000", "9.000000"]  # points to millionths
    assert_visible_in_admin(client, staff, answer_entry, "Awarded points", "3.00", str(mentor))


@pytest.mark.django_db
def test_a_grade_given_through_the_api_with_a_token_records_the_tokens_user(client, mentor, learner):
    """The middleware knows only session users; token users are named when the API authenticates them."""
    submission, answer = submission_waiting_for_review(learner, mentor)
    token = Token.objects.create(user=mentor)
    response = client.post(
        f"/api/v1/submissions/{submission.pk}/answers/{answer.pk}/review/",
        {"points": "2", "feedback": "Half there."},
        content_type="application/json",
        headers={"Authorization": f"Token {token.key}"},
    )
    assert response.status_code == 200, response.content
    entry = entries_for(answer)[-1]
    assert entry.actor == mentor
    assert entry.changes_dict["awarded_points"] == ["None", "2.00"]
