"""Writes to submissions: submitting, grading (called by the Celery task) and mentors' reviews.

Every entry point (quiz page, API, tasks, admin) goes through these functions.
"""

import logging
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q, Sum
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from accounts.models import User
from assessments import grading
from assessments.attempts import attempts_under
from assessments.models import Answer, Question, Quiz, Submission
from assessments.records import quiz_record_refresh
from assessments.selectors import can_review
from assessments.signals import submission_graded_announce
from lms.locale import for_person
from notifications.services import notify
from progress.scope import enrolment_current_for
from progress.services import activity_touch

logger = logging.getLogger(__name__)

SHORT_TEXT_MAX = 200
FREE_TEXT_MAX = 5000
FEEDBACK_MAX = 5000


def field_name(question: Question) -> str:
    """The key of a question's errors (and the quiz form's field name)."""
    return f"question_{question.pk}"


def submission_create(
    *, learner: User, quiz: Quiz, answers: Mapping[Any, Any], request_key: str = ""
) -> Submission:
    """Save the learner's answers to a quiz as a pending submission and queue its grading.

    `request_key` (lms.idempotency: the form's one-time key, the API's Idempotency-Key): a key this
    learner already submitted under returns that submission — no second attempt used, nothing saved (a
    retry after an error page, a double click); the same key on another quiz is a 400.

    `answers` maps question ids (ints or digit strings) to: a choice id or a list of choice ids
    (single / true-false take exactly one; multiple choice at least one), a number or a string
    holding one (numeric), or a string (short and free text).

    Policy for missing answers: every question must be answered. A quiz has few questions and
    few attempts, so an accidental submit must not cost an attempt; an unanswered question is
    an error on that question, like any other invalid answer.

    Raises ValidationError (keys: "quiz", "answers", "question_<id>"); then nothing is saved.
    """
    if request_key and (earlier := _submitted_under(learner, request_key, quiz)):
        return earlier
    if not quiz.is_published:
        raise ValidationError({"quiz": gettext("This quiz is not open yet.")})
    # The work belongs to the enrolment it is done under: its mentor sees it, a later mentor does not;
    # and only the attempts under it count (assessments.attempts).
    enrolment = enrolment_current_for(learner=learner)
    # The limit counts the attempts under this enrolment; the number goes on from the learner's last
    # attempt at the quiz under any (one row per number: a double click cannot save two).
    under = Q(pk__in=attempts_under(learner_id=learner.pk, enrolment_id=enrolment.pk if enrolment else None))
    attempts = Submission.objects.filter(learner=learner, quiz=quiz).aggregate(
        used=Count("id", filter=under), last=Max("attempt_number")
    )
    if attempts["used"] >= quiz.max_attempts:
        raise ValidationError(
            {
                "quiz": ngettext(
                    "You have used your only attempt at this quiz.",
                    "You have used all %(count)s attempts at this quiz.",
                    quiz.max_attempts,
                )
                % {"count": quiz.max_attempts}
            }
        )
    questions = list(Question.objects.filter(quiz=quiz).prefetch_related("choices"))
    cleaned = clean_answers(questions=questions, answers=answers)
    with transaction.atomic():
        try:
            with transaction.atomic():
                submission = Submission.objects.create(
                    learner=learner,
                    quiz=quiz,
                    enrolment=enrolment,
                    attempt_number=(attempts["last"] or 0) + 1,
                    request_key=request_key,
                )
        except IntegrityError as error:  # the same attempt submitted twice at once (double click)
            if request_key and (earlier := _submitted_under(learner, request_key, quiz)):
                return earlier
            raise ValidationError(
                {"quiz": gettext("This attempt was already submitted; see your submissions.")}
            ) from error
        Answer.objects.bulk_create(
            Answer(submission=submission, question=question, **cleaned[question.pk]) for question in questions
        )
        quiz_record_refresh(learner_ids=[learner.pk])  # first: it locks the learner (its docstring)
        activity_touch(learner=learner)
        transaction.on_commit(lambda: grading_enqueue(submission_id=submission.pk))
    return submission


def _submitted_under(learner: User, request_key: str, quiz: Quiz) -> Submission | None:
    earlier = Submission.objects.filter(learner=learner, request_key=request_key).first()
    if earlier is not None and earlier.quiz_id != quiz.pk:
        raise ValidationError({"request_key": gettext("This request key was used for another quiz.")})
    return earlier


def clean_answers(*, questions: list[Question], answers: Mapping[Any, Any]) -> dict[int, dict[str, Any]]:
    """Check every answer against its question; returns Answer fields by question id."""
    if not isinstance(answers, Mapping):
        raise ValidationError({"answers": gettext("Send the answers as an object: question id → answer.")})
    by_id = {question.pk: question for question in questions}
    errors: dict[str, list[str]] = {}
    given: dict[int, Any] = {}
    for key, value in answers.items():
        question_id = as_id(key)
        if question_id not in by_id:
            errors.setdefault("answers", []).append(
                gettext("Question %(key)s is not part of this quiz.") % {"key": key}
            )
            continue
        given[question_id] = value  # type: ignore[index]
    if not questions:
        errors.setdefault("quiz", []).append(gettext("This quiz has no questions yet."))
    cleaned: dict[int, dict[str, Any]] = {}
    for question in questions:
        try:
            cleaned[question.pk] = clean_answer(question, given.get(question.pk))
        except ValidationError as error:
            errors.setdefault(field_name(question), []).extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return cleaned


def as_id(value: Any) -> int | None:
    """A row id given as an int or a string of ASCII digits ("12"); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value < 2**63 else None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


NUMERIC_MAX_LENGTH = 50
NUMERIC_MAX_EXPONENT = 20  # |answer| < 10^20: the grader's exact arithmetic overflows on 1e9999999


def clean_answer(question: Question, value: Any) -> dict[str, Any]:
    if value is None or value == "" or value == []:
        raise ValidationError(gettext("Answer this question."))
    if question.is_choice:
        return {"selected_choice_ids": clean_choice_ids(question, value)}
    if question.kind == Question.Kind.NUMERIC:
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
            raise ValidationError(gettext("Enter a number, like 0.5 or -3."))
        try:
            text = str(value)
        except ValueError:  # an int with more digits than Python converts to text
            text = ""
        number = grading.parse_decimal(text) if len(text) <= NUMERIC_MAX_LENGTH else None
        if number is None or number.adjusted() >= NUMERIC_MAX_EXPONENT:
            raise ValidationError(gettext("Enter a number, like 0.5 or -3."))
        return {"value": str(number)}
    if not isinstance(value, str):
        raise ValidationError(gettext("Enter your answer as text."))
    limit = SHORT_TEXT_MAX if question.kind == Question.Kind.SHORT_TEXT else FREE_TEXT_MAX
    text = value.strip()
    if not text:
        raise ValidationError(gettext("Answer this question."))
    if len(text) > limit:
        raise ValidationError(
            gettext("Keep the answer under %(limit)s characters (it has %(length)s).")
            % {"limit": limit, "length": len(text)}
        )
    if "\x00" in text or any("\ud800" <= character <= "\udfff" for character in text):
        raise ValidationError(gettext("The answer contains characters that cannot be saved; type it again."))
    return {"value": text}


def clean_choice_ids(question: Question, value: Any) -> list[int]:
    items = value if isinstance(value, list | tuple) else [value]
    ids: list[int] = []
    for item in items:
        choice_id = as_id(item)
        if choice_id is None:
            raise ValidationError(gettext("Choose from the options given."))
        ids.append(choice_id)
    options = {choice.pk for choice in question.choices.all()}
    unknown = sorted(set(ids) - options)
    if unknown:
        raise ValidationError(
            gettext("Choice %(choice)s is not an option of this question.") % {"choice": unknown[0]}
        )
    if question.kind in Question.ONE_CORRECT_KINDS and len(set(ids)) != 1:
        raise ValidationError(gettext("Choose exactly one option."))
    return sorted(set(ids))


def grading_enqueue(*, submission_id: int) -> None:
    """Queue the grading. A broker that cannot be reached loses nothing: the submission is saved as
    pending and the periodic sweep queues it again, so the learner's submit still succeeds.

    (Not `grade_submission.delay_on_commit()`: its on-commit callback would raise the broker error
    out of the committed transaction, turning a saved submission into an error page.)
    """
    # services ↔ tasks: the grading task is queued here and the task's sweep calls these services.
    # Imported when queuing, so that neither module needs the other at import time.
    from assessments.tasks import grade_submission

    try:
        grade_submission.delay(submission_id)
    except Exception as error:
        logger.error(
            "Could not queue the grading of submission %s (%s); the sweep will retry", submission_id, error
        )


def answer_review(*, reviewer: User, answer: Answer, points: Decimal | int | str, feedback: str) -> Answer:
    """A mentor (the learner's current one) or staff grades a free-text answer.

    When no answer of the submission waits for review any more, the submission is graded with its
    final score. Raises PermissionDenied for anybody else, ValidationError for bad points or an
    answer that is not waiting for review.
    """
    submission = answer.submission
    if not can_review(user=reviewer, submission=submission):
        raise PermissionDenied(gettext("Only the learner's mentor or staff can review this answer."))
    question = answer.question
    try:
        awarded = Decimal(str(points)).quantize(grading.HUNDREDTH)
    except (InvalidOperation, ValueError) as error:
        raise ValidationError({"points": gettext("Enter a number of points.")}) from error
    if not 0 <= awarded <= question.points:
        raise ValidationError(
            {"points": gettext("Give between 0 and %(points)s points.") % {"points": question.points}}
        )
    if len(feedback) > FEEDBACK_MAX:
        raise ValidationError(
            {"feedback": gettext("Keep the feedback under %(limit)s characters.") % {"limit": FEEDBACK_MAX}}
        )
    if question.kind != Question.Kind.FREE_TEXT:
        raise ValidationError(
            gettext("Only free-text answers are reviewed; the others are graded automatically.")
        )
    with transaction.atomic():
        locked = (
            Submission.objects.select_for_update(of=("self",)).select_related("quiz").get(pk=submission.pk)
        )
        if locked.status != Submission.Status.NEEDS_REVIEW:
            raise ValidationError(gettext("This submission is not waiting for a review."))
        answer.awarded_points = awarded
        answer.is_correct = awarded == question.points
        answer.needs_review = False
        answer.feedback = feedback.strip()
        answer.reviewed_by = reviewer
        answer.reviewed_at = timezone.now()
        answer.save(
            update_fields=[
                "awarded_points",
                "is_correct",
                "needs_review",
                "feedback",
                "reviewed_by",
                "reviewed_at",
            ]
        )
        submission_score_update(submission=locked)
        quiz_record_refresh(learner_ids=[locked.learner_id])
        if locked.status == Submission.Status.GRADED:
            reviewed_email_enqueue(submission=locked)
            submission_graded_announce(submission=locked)
    answer.submission = locked
    return answer


def reviewed_email_enqueue(*, submission: Submission) -> None:
    """The learner's e-mail (and dashboard notice) when a reviewer has graded the last free-text answer:
    once per submission (it leaves "needs review" once), in the reviewer's transaction."""
    learner = submission.learner
    week_number = submission.quiz.week.number
    reviewed = list(
        submission.answers.filter(reviewed_at__isnull=False)
        .select_related("question")
        .order_by("question__order", "question_id")
    )
    path = submission.get_absolute_url()
    with for_person(learner):  # their language and zone
        verdict = gettext("passed") if submission.passed else gettext("not passed")
        percent = grading.percent_shown(submission.percent)  # as every page shows it
        context = {
            "learner": learner,
            "submission": submission,
            "week_number": week_number,
            "verdict": verdict,
            "percent": percent,
            "reviewed": reviewed,
            "submission_url": settings.SITE_URL + path,
        }
        values = {"number": week_number, "percent": percent, "verdict": verdict}
        notice = gettext("Week %(number)s quiz: %(percent)s%%, %(verdict)s.") % values
        comments = [answer.feedback for answer in reviewed if answer.feedback]
        if comments:
            notice += " " + gettext("Reviewer's comment: %(comments)s") % {"comments": " / ".join(comments)}
        notify(
            recipient=learner,
            kind="quiz_reviewed",
            key=f"quiz-reviewed:{submission.pk}",
            text=notice,
            link=path,
            subject=gettext("Your week %(number)s quiz was reviewed: %(percent)s%% (%(verdict)s)") % values,
            email_text=render_to_string("assessments/email/reviewed.txt", context),
            email_html=render_to_string("assessments/email/reviewed.html", context),
        )


def submission_score_update(*, submission: Submission) -> None:
    """Recompute the score from the answers; finish the grading once nothing waits for review."""
    totals = submission.answers.aggregate(
        score=Sum("awarded_points"), waiting=Count("id", filter=Q(needs_review=True))
    )
    submission.score = totals["score"] or Decimal(0)
    if totals["waiting"] == 0:
        submission.percent = grading.percent_of(submission.score, submission.max_score or Decimal(0))
        submission.passed = grading.is_passing(submission.percent, submission.quiz.pass_mark_percent)
        submission.status = Submission.Status.GRADED
        submission.graded_at = timezone.now()
    submission.save(update_fields=["score", "percent", "passed", "status", "graded_at"])


def submission_ids_enqueue(*, submission_ids: Iterable[int]) -> int:
    """Queue the grading of these submissions (the sweep); returns how many were queued."""
    count = 0
    for submission_id in submission_ids:
        grading_enqueue(submission_id=submission_id)
        count += 1
    return count
