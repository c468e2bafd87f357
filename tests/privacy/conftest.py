"""A learner with every kind of data the product keeps, marked so that a test can find each piece (and
tell it from another learner's): the export's and the erasure's tests start from it."""

from dataclasses import dataclass

import pytest
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import User
from assessments import autograding
from assessments import services as assessment_services
from assessments.models import Answer
from cards.services import card_review, desired_retention_set
from credentials import portfolio_services
from credentials import services as credentials_services
from curriculum.models import Phase, Week
from mentoring import services as mentoring_services
from notifications.models import NoticePreference
from progress import services as progress_services
from projects import services as project_services
from projects.models import Criterion, Project
from tests.assessments.conftest import make_quiz, perfect_answers
from tests.cards.conftest import card_for
from tests.conftest import mentor_history
from tests.factories import MentorFactory, UserFactory

PROJECT_WEEK = 21


@dataclass
class Person:
    """A learner and the distinctive strings of their data."""

    user: User
    name: str
    email: str
    texts: dict[str, str]
    """Kind of text → the text (notes, answers, report, reply, file name and content, …)."""

    @property
    def markers(self) -> list[str]:
        return [self.name, self.email, *self.texts.values()]


def _texts(tag: str) -> dict[str, str]:
    return {
        "notes": f"NOTES-{tag}-week-three",
        "answer": f"ANSWER-{tag}-free-text",
        "report": f"REPORT-{tag}-markdown",
        "reply": f"REPLY-{tag}-thanks-mentor",
        "repository": f"https://github.com/{tag}-handle/project",
        "file_name": f"results-{tag}.csv",
        "file_content": f"FILE-{tag}-bytes",
        "feedback": f"FEEDBACK-{tag}-from-mentor",
        "headline": f"HEADLINE-{tag}-portfolio",
        "summary": f"SUMMARY-{tag}-project",
        "endorsement": f"ENDORSEMENT-{tag}-words",
    }


def best_scores(project: Project) -> list[project_services.ScoreInput]:
    scores = []
    for criterion in Criterion.objects.filter(project=project).prefetch_related("levels"):
        top = max(criterion.levels.all(), key=lambda level: level.max_points)
        scores.append(
            project_services.ScoreInput(criterion_id=criterion.pk, level_id=top.pk, points=top.max_points)
        )
    return scores


def give_everything(person: Person, *, mentor: User, earlier_mentor: User, former_mentor: User) -> None:
    """Every kind of data for the person: an earlier (completed) enrolment and a current one, progress
    with notes, a quiz with a free-text answer reviewed by the mentor, a review card rated, feedback
    and a reply, a phase review, a project version with a file, reviewed and accepted, an endorsement,
    a certificate with its PDF, a portfolio, notices and e-mails, an API token, an e-mail address."""
    learner, texts = person.user, person.texts
    today = timezone.now().date()
    _, _, enrolment = mentor_history(
        learner,
        completed_mentor=earlier_mentor,
        former_mentor=former_mentor,
        enrol_now=lambda: progress_services.enrolment_create(learner=learner, start_date=today),
    )
    mentoring_services.mentees_assign(mentor=mentor, enrolment_ids=[enrolment.pk])
    enrolment.refresh_from_db()
    week = Week.objects.get(number=3)
    progress_services.week_progress_set(
        enrolment=enrolment, week=week, status="in_progress", notes=texts["notes"]
    )
    quiz = make_quiz(week=3, free_text=True) if not week.quizzes.filter(title="Test quiz 3").exists() else (
        week.quizzes.get(title="Test quiz 3")
    )  # fmt: skip
    submission = assessment_services.submission_create(
        learner=learner, quiz=quiz, answers=perfect_answers(quiz, free_text=texts["answer"])
    )
    autograding.submission_grade(submission_id=submission.pk)
    free = Answer.objects.get(submission=submission, question__kind="free_text")
    assessment_services.answer_review(reviewer=mentor, answer=free, points=1, feedback=texts["feedback"])
    card = card_for(learner, quiz)
    card_review(learner=learner, card_id=card.pk, rating=3)
    desired_retention_set(learner=learner, desired_retention=0.85)
    mentoring_services.feedback_create(author=mentor, enrolment=enrolment, week=week, body="Good start.")
    mentoring_services.feedback_reply_create(
        learner=learner, enrolment=enrolment, week=week, body=texts["reply"]
    )
    mentoring_services.phase_review_create(
        reviewer=mentor, enrolment=enrolment, phase=week.phase, decision="returned", comments="Redo week 1."
    )
    project = Project.objects.get(week__number=PROJECT_WEEK)
    version = project_services.draft_save(
        learner=learner, project=project, repository_url=texts["repository"], commit="abc1234",
        report=texts["report"],
    )  # fmt: skip
    project_services.attachment_add(
        learner=learner,
        version_id=version.pk,
        upload=SimpleUploadedFile(texts["file_name"], texts["file_content"].encode()),
    )
    project_services.version_submit(learner=learner, version_id=version.pk)
    project_services.review_create(
        reviewer=mentor, version_id=version.pk, decision="accepted", comment="Well built.",
        scores=best_scores(project),
    )  # fmt: skip
    portfolio_services.endorsement_save(mentor=mentor, version_id=version.pk, text=texts["endorsement"])
    certificate, _ = credentials_services.phase_certificate_issue(
        enrolment=enrolment, phase=Phase.objects.get(number=1), signed_by=mentor
    )
    credentials_services.certificate_pdf_store(certificate_id=certificate.pk)
    portfolio = portfolio_services.portfolio_for(learner=learner)
    portfolio_services.portfolio_update(
        portfolio=portfolio, learner=learner, is_public=True, headline=texts["headline"],
        certificate_ids=[certificate.public_id],
    )  # fmt: skip
    portfolio.projects.update_or_create(
        version=version, defaults={"summary": texts["summary"], "is_public": True}
    )
    NoticePreference.objects.create(user=learner, kind="week_feedback", delivery="digest")
    EmailAddress.objects.create(user=learner, email=learner.email, verified=True, primary=True)
    Token.objects.create(user=learner)


def person(username: str, name: str, tag: str) -> Person:
    email = f"{tag}.mail@example.org"
    first, last = name.split(" ", 1)
    user = UserFactory(username=username, email=email, name=name, first_name=first, last_name=last)
    return Person(user=user, name=name, email=email, texts=_texts(tag))


@pytest.fixture
def people(db, settings, tmp_path):
    """(the learner, another learner, their mentors): both learners with every kind of data."""
    settings.MEDIA_ROOT = tmp_path
    mentor = MentorFactory(username="mentor", name="Mina Mentorova", email="mina.mentor@example.org")
    other_mentor = MentorFactory(username="other_mentor", name="Otto Mentorson")
    earlier, former = MentorFactory(username="earlier_mentor"), MentorFactory(username="former_mentor")
    ada = person("ada", "Adaline Quillfeather", "adaq")
    olga = person("olga", "Olgerd Zimmerbrook", "olgz")
    give_everything(ada, mentor=mentor, earlier_mentor=earlier, former_mentor=former)
    give_everything(olga, mentor=other_mentor, earlier_mentor=earlier, former_mentor=former)
    return ada, olga, mentor
