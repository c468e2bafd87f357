"""A mentor's sign-off, return, week feedback and free-text grading each e-mail the learner once, through
the outbox, and show on the learner's dashboard with the mentor's words."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from assessments import autograding
from assessments import services as assessment_services
from notifications.models import Email
from tests.assessments.conftest import make_quiz, perfect_answers
from tests.mentoring.conftest import enrol
from tests.mentoring.test_feedback_and_reviews import complete_phase_one, review
from tests.outbox import outbox_sent_here


def dashboard_of(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("learner:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def notices_section(page: str) -> str:
    start = page.index('<section aria-labelledby="notices">')
    return page[start : page.index("</section>", start)]


@pytest.mark.django_db
def test_a_sign_off_e_mails_the_learner_once_and_shows_its_comment_on_the_dashboard(
    client, mentor, learner, mentee, other_learner
):
    complete_phase_one(mentee, pass_quizzes=True)
    client.force_login(mentor)
    with outbox_sent_here():
        review(client, mentee, "signed_off", "Lovely notebooks — keep the pace.")
        review(client, mentee, "signed_off", "Again?")  # refused: already signed off
    # The sign-off's e-mail, and the certificate's (credentials: one each, once).
    [message, certificate_message] = mail.outbox
    assert message.to == [learner.email]
    assert message.subject == "[AI/ML Curriculum] Phase 1 signed off: Foundations of Modern AI"
    assert "Lovely notebooks — keep the pace." in message.body
    assert "Lovely notebooks" in message.alternatives[0].content
    # The learner gave no name: the certificate waits for the one they confirm (never their address).
    assert certificate_message.subject.endswith(
        "] Confirm the name on your certificate: Phase 1: Foundations of Modern AI"
    )
    kinds = Email.objects.exclude(kind__startswith="project").values_list("kind", flat=True)
    assert sorted(kinds) == ["certificate_issued", "phase_signed_off"]

    page = dashboard_of(client, learner)
    notices = notices_section(page)
    assert "Phase 1 signed off: Foundations of Modern AI" in notices
    assert "Lovely notebooks — keep the pace." in notices
    assert f"signed off by Unnamed user #{mentor.pk} on" in page  # the milestone (never the address)
    assert mentor.email not in page
    assert '<blockquote class="quote comment"><p>Lovely notebooks — keep the pace.</p>' in page
    enrol(other_learner, mentor=mentor, start=mentee.start_date)
    assert "Lovely notebooks" not in dashboard_of(client, other_learner)


@pytest.mark.django_db
def test_each_return_e_mails_what_to_do_once_and_shows_it_on_the_dashboard(client, mentor, learner, mentee):
    client.force_login(mentor)
    with outbox_sent_here():
        review(client, mentee, "returned")  # refused: no comments, nothing sent
        review(client, mentee, "returned", "Redo the week 3 exercises first.")
        review(client, mentee, "returned", "Now the week 4 ones, please.")
    assert [message.subject for message in mail.outbox] == [
        "[AI/ML Curriculum] Phase 1 returned: what to do before it is signed off"
    ] * 2
    assert "Redo the week 3 exercises first." in mail.outbox[0].body
    assert "Now the week 4 ones, please." in mail.outbox[1].body
    notices = notices_section(dashboard_of(client, learner))
    assert notices.index("Now the week 4 ones") < notices.index("Redo the week 3")  # newest first


@pytest.mark.django_db
def test_week_feedback_shows_on_the_dashboard_with_a_link_to_the_week(client, mentor, learner, mentee):
    client.force_login(mentor)
    with outbox_sent_here():
        client.post(reverse("mentoring:feedback", args=[mentee.pk, 1]), {"body": "Great start on vectors!"})
    assert "Great start on vectors!" in mail.outbox[0].alternatives[0].content
    notices = notices_section(dashboard_of(client, learner))
    assert "Feedback from your mentor on week 1" in notices
    assert "Great start on vectors!" in notices
    assert f'href="{reverse("learner:week", args=[1])}"' in notices


@pytest.mark.django_db
def test_grading_the_last_free_text_answer_e_mails_the_result_once(client, mentor, learner, mentee):
    quiz = make_quiz(week=2, free_text=True)  # 6 automatic points + 4 for the free text
    submission = assessment_services.submission_create(
        learner=learner, quiz=quiz, answers=perfect_answers(quiz)
    )
    autograding.submission_grade(submission_id=submission.pk)
    answer = submission.answers.get(question__kind="free_text")
    client.force_login(mentor)
    url = reverse("assessments:submission-review", args=[submission.pk])
    form = {
        "answer_id": answer.pk,
        f"answer-{answer.pk}-points": "1.5",
        f"answer-{answer.pk}-feedback": "Thin.",
    }
    with outbox_sent_here():
        assert client.post(url, form).status_code == 302
        assert client.post(url, form).status_code == 400  # graded already: not reviewed again
    [message] = mail.outbox
    assert message.to == [learner.email]
    assert message.subject == "[AI/ML Curriculum] Your week 2 quiz was reviewed: 75% (passed)"
    assert "Comment: Thin." in message.body
    assert f"/quizzes/submissions/{submission.pk}/" in message.body
    assert Email.objects.get().key == f"quiz-reviewed:{submission.pk}"
    notices = notices_section(dashboard_of(client, learner))
    assert "Week 2 quiz: 75%, passed. Reviewer&#x27;s comment: Thin." in notices


@pytest.mark.django_db
def test_a_submission_with_answers_still_to_review_sends_nothing_yet(learner, mentor, mentee):
    quiz = make_quiz(week=2, free_text=True)
    submission = assessment_services.submission_create(
        learner=learner, quiz=quiz, answers=perfect_answers(quiz)
    )
    autograding.submission_grade(submission_id=submission.pk)
    assert submission.answers.filter(needs_review=True).count() == 1
    assert not Email.objects.exists()
    with outbox_sent_here():
        assessment_services.answer_review(
            reviewer=mentor, answer=submission.answers.get(needs_review=True), points=Decimal(4), feedback=""
        )
    assert mail.outbox[0].subject == "[AI/ML Curriculum] Your week 2 quiz was reviewed: 100% (passed)"
