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
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

from accounts.models import User
from assessments import grading
from assessments.models import Answer, Question, Quiz, QuizRecord, Submission
from assessments.selectors import can_review, quiz_flags_of
from assessments.signals import quiz_records_refreshed, submission_graded_announce
from notifications.services import notify
from progress.selectors import enrolment_current_for
from progress.services import activity_touch

logger = logging.getLogger(__name__)

SHORT_TEXT_MAX = 200
FREE_TEXT_MAX = 5000
FEEDBACK_MAX = 5000


def field_name(question: Question) -> str:
    """The key of a question's errors (and the quiz form's field name)."""
    return f"question_{question.pk}"


def submission_create(*, learner: User, quiz: Quiz, answers: Mapping[Any, Any]) -> Submission:
    """Save the learner's answers to a quiz as a pending submission and queue its grading.

    `answers` maps question ids (ints or digit strings) to: a choice id or a list of choice ids
    (single / true-false take exactly one; multiple choice at least one), a number or a string
    holding one (numeric), or a string (short and free text).

    Policy for missing answers: every question must be answered. A quiz has few questions and
    few attempts, so an accidental submit must not cost an attempt; an unanswered question is
    an error on that question, like any other invalid answer.

    Raises ValidationError (keys: "quiz", "answers", "question_<id>"); then nothing is saved.
    """
    if not quiz.is_published:
        raise ValidationError({"quiz": "This quiz is not open yet."})
    attempts = Submission.objects.filter(learner=learner, quiz=quiz).aggregate(
        used=Count("id"), last=Max("attempt_number")
    )
    if attempts["used"] >= quiz.max_attempts:
        raise ValidationError({"quiz": f"You have used all {quiz.max_attempts} attempts at this quiz."})
    questions = list(Question.objects.filter(quiz=quiz).prefetch_related("choices"))
    cleaned = clean_answers(questions=questions, answers=answers)
    # The work belongs to the enrolment it is done under: its mentor sees it, a later mentor does not.
    enrolment = enrolment_current_for(learner=learner)
    with transaction.atomic():
        try:
            with transaction.atomic():
                submission = Submission.objects.create(
                    learner=learner,
                    quiz=quiz,
                    enrolment=enrolment,
                    attempt_number=(attempts["last"] or 0) + 1,
                )
        except IntegrityError as error:  # the same attempt submitted twice at once (double click)
            raise ValidationError(
                {"quiz": "This attempt was already submitted; see your submissions."}
            ) from error
        Answer.objects.bulk_create(
            Answer(submission=submission, question=question, **cleaned[question.pk]) for question in questions
        )
        quiz_record_refresh(learner_ids=[learner.pk])  # first: it locks the learner (its docstring)
        activity_touch(learner=learner)
        transaction.on_commit(lambda: grading_enqueue(submission_id=submission.pk))
    return submission


def clean_answers(*, questions: list[Question], answers: Mapping[Any, Any]) -> dict[int, dict[str, Any]]:
    """Check every answer against its question; returns Answer fields by question id."""
    if not isinstance(answers, Mapping):
        raise ValidationError({"answers": "Send the answers as an object: question id → answer."})
    by_id = {question.pk: question for question in questions}
    errors: dict[str, list[str]] = {}
    given: dict[int, Any] = {}
    for key, value in answers.items():
        question_id = as_id(key)
        if question_id not in by_id:
            errors.setdefault("answers", []).append(f"Question {key} is not part of this quiz.")
            continue
        given[question_id] = value  # type: ignore[index]
    if not questions:
        errors.setdefault("quiz", []).append("This quiz has no questions yet.")
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
        raise ValidationError("Answer this question.")
    if question.is_choice:
        return {"selected_choice_ids": clean_choice_ids(question, value)}
    if question.kind == Question.Kind.NUMERIC:
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
            raise ValidationError("Enter a number, like 0.5 or -3.")
        try:
            text = str(value)
        except ValueError:  # an int with more digits than Python converts to text
            text = ""
        number = grading.parse_decimal(text) if len(text) <= NUMERIC_MAX_LENGTH else None
        if number is None or number.adjusted() >= NUMERIC_MAX_EXPONENT:
            raise ValidationError("Enter a number, like 0.5 or -3.")
        return {"value": str(number)}
    if not isinstance(value, str):
        raise ValidationError("Enter your answer as text.")
    limit = SHORT_TEXT_MAX if question.kind == Question.Kind.SHORT_TEXT else FREE_TEXT_MAX
    text = value.strip()
    if not text:
        raise ValidationError("Answer this question.")
    if len(text) > limit:
        raise ValidationError(f"Keep the answer under {limit} characters (it has {len(text)}).")
    if "\x00" in text or any("\ud800" <= character <= "\udfff" for character in text):
        raise ValidationError("The answer contains characters that cannot be saved; type it again.")
    return {"value": text}


def clean_choice_ids(question: Question, value: Any) -> list[int]:
    items = value if isinstance(value, list | tuple) else [value]
    ids: list[int] = []
    for item in items:
        choice_id = as_id(item)
        if choice_id is None:
            raise ValidationError("Choose from the options given.")
        ids.append(choice_id)
    options = {choice.pk for choice in question.choices.all()}
    unknown = sorted(set(ids) - options)
    if unknown:
        raise ValidationError(f"Choice {unknown[0]} is not an option of this question.")
    if question.kind in Question.ONE_CORRECT_KINDS and len(set(ids)) != 1:
        raise ValidationError("Choose exactly one option.")
    return sorted(set(ids))


def grading_enqueue(*, submission_id: int) -> None:
    """Queue the grading. A broker that cannot be reached loses nothing: the submission is saved as
    pending and the periodic sweep queues it again, so the learner's submit still succeeds.

    (Not `grade_submission.delay_on_commit()`: its on-commit callback would raise the broker error
    out of the committed transaction, turning a saved submission into an error page.)
    """
    from assessments.tasks import grade_submission

    try:
        grade_submission.delay(submission_id)
    except (KombuOperationalError, RedisError, OSError) as error:
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
        raise PermissionDenied("Only the learner's mentor or staff can review this answer.")
    question = answer.question
    try:
        awarded = Decimal(str(points)).quantize(grading.HUNDREDTH)
    except (InvalidOperation, ValueError) as error:
        raise ValidationError({"points": "Enter a number of points."}) from error
    if not 0 <= awarded <= question.points:
        raise ValidationError({"points": f"Give between 0 and {question.points} points."})
    if len(feedback) > FEEDBACK_MAX:
        raise ValidationError({"feedback": f"Keep the feedback under {FEEDBACK_MAX} characters."})
    if question.kind != Question.Kind.FREE_TEXT:
        raise ValidationError("Only free-text answers are reviewed; the others are graded automatically.")
    with transaction.atomic():
        locked = (
            Submission.objects.select_for_update(of=("self",)).select_related("quiz").get(pk=submission.pk)
        )
        if locked.status != Submission.Status.NEEDS_REVIEW:
            raise ValidationError("This submission is not waiting for a review.")
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
    verdict = "passed" if submission.passed else "not passed"
    percent = floatformat(submission.percent, "-2")  # as the result page shows it
    context = {
        "learner": learner,
        "submission": submission,
        "week_number": week_number,
        "verdict": verdict,
        "percent": percent,
        "reviewed": reviewed,
        "submission_url": settings.SITE_URL + path,
    }
    notice = f"Week {week_number} quiz: {percent}%, {verdict}."
    comments = [answer.feedback for answer in reviewed if answer.feedback]
    if comments:
        notice += " Reviewer's comment: " + " / ".join(comments)
    notify(
        recipient=learner,
        kind="quiz_reviewed",
        key=f"quiz-reviewed:{submission.pk}",
        text=notice,
        link=path,
        subject=f"Your week {week_number} quiz was reviewed: {percent}% ({verdict})",
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
        submission.passed = submission.percent >= submission.quiz.pass_mark_percent
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


LearnerAttempts = dict[int, dict[int, list[grading.Attempt]]]
"""learner id → quiz id → the learner's attempts at it (every submission, oldest first)."""


def quiz_record_refresh(*, learner_ids: Iterable[int]) -> LearnerAttempts:
    """Recompute and store these learners' quiz records (the only writer of `QuizRecord`): one read
    and one upsert, whatever the number of learners. Statuses by `grading.quiz_status`. Returns the
    attempts it read (what a grading asks of them next: `review.attempts_state_of`).

    The learners' rows are locked first (FOR NO KEY UPDATE, in id order), so two transactions refreshing
    one learner (two of their submissions graded by two tasks, a grading and a submit) take turns, and
    the second reads the attempts after the first has committed: the last writer never stores a record
    computed before the other's change. Lock order, everywhere: the submissions, then the learners, then
    their enrolments (mentoring's flags; `progress.services.activity_touch`), so none of them deadlock.
    """
    ids = sorted(set(learner_ids))
    if not ids:
        return {}
    with transaction.atomic(savepoint=False):
        list(User.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk").values_list("pk"))
        return _quiz_records_store(ids)


def _quiz_records_store(ids: list[int]) -> LearnerAttempts:
    attempts: LearnerAttempts = {learner_id: {} for learner_id in ids}
    last_quizzes: dict[int, int] = {}
    titles: dict[int, str] = {}
    phase_of: dict[int, int] = {}
    for learner_id, quiz_id, status, percent, passed, title, phase_number in (
        Submission.objects.filter(learner_id__in=ids)
        .order_by("submitted_at", "id")
        .values_list(
            *("learner_id", "quiz_id", "status", "percent", "passed"),
            *("quiz__title", "quiz__week__phase__number"),  # (the quiz's, in the same row)
        )
    ):
        attempts[learner_id].setdefault(quiz_id, []).append(grading.Attempt(status, percent, passed))
        last_quizzes[learner_id] = quiz_id  # oldest first: the last one seen is the latest attempt's
        titles[quiz_id], phase_of[quiz_id] = title, phase_number
    records = []
    for learner_id, by_quiz in attempts.items():
        last_quiz = last_quizzes.get(learner_id)
        statuses = {quiz_id: grading.quiz_status(tried) for quiz_id, tried in by_quiz.items()}
        best = {
            quiz_id: max(graded)
            for quiz_id, tried in by_quiz.items()
            if (graded := [a.percent for a in tried if a.status == "graded" and a.percent is not None])
        }
        failed = [quiz_id for quiz_id, status in statuses.items() if status == "failed"]
        by_phase: dict[str, list[int]] = {}
        for quiz_id, status in statuses.items():
            if status in ("passed", "failed"):
                counts = by_phase.setdefault(str(phase_of[quiz_id]), [0, 0])
                counts[status == "failed"] += 1
        records.append(
            QuizRecord(
                learner_id=learner_id,
                quizzes_taken=len(by_quiz),
                average_best_percent=(
                    grading.percent_rounded(sum(best.values(), Decimal(0)) / len(best)) if best else None
                ),
                failed_count=len(failed),
                failed_titles=[titles[quiz_id] for quiz_id in failed],
                reviews_waiting=sum(
                    a.status == Submission.Status.NEEDS_REVIEW for tried in by_quiz.values() for a in tried
                ),
                last_quiz_title=titles[last_quiz] if last_quiz else "",
                last_status=statuses[last_quiz] if last_quiz else "",
                last_percent=by_quiz[last_quiz][-1].percent if last_quiz else None,
                last_best_percent=best.get(last_quiz) if last_quiz else None,
                phase_results=by_phase,
            )
        )
    QuizRecord.objects.bulk_create(
        records,
        update_conflicts=True,
        unique_fields=["learner"],
        update_fields=[field.name for field in QuizRecord._meta.concrete_fields if not field.primary_key],
    )
    quiz_records_refreshed.send(
        sender=QuizRecord,
        quiz_flags={
            record.learner_id: quiz_flags_of(record.failed_count, record.reviews_waiting)
            for record in records
        },
    )
    return attempts


def quiz_records_rebuild_all() -> None:
    """Recompute the quiz record of every learner who has submitted anything (migration, repair)."""
    learner_ids = list(Submission.objects.order_by().values_list("learner_id", flat=True).distinct())
    for offset in range(0, len(learner_ids), 1000):
        quiz_record_refresh(learner_ids=learner_ids[offset : offset + 1000])
