"""A learner's quiz submissions, answers and results: exported, and erased with their account (the
protocol: accounts/personal_data.py).

The export shows what the learner's own submission page shows (assessments.review): right or wrong, the
points and the grader's feedback only where the quiz's review options let them see it — an export is not
a way round the answer key.
"""

from typing import Any

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from accounts.personal_data import shown_name
from assessments.models import Answer, QuizRecord, Submission
from assessments.review import learner_review
from lms.personal_data import Export, Identity, iso


def _decimal(value: Any) -> str | None:
    return str(value) if value is not None else None


def export(user: User) -> Export:
    submissions = []
    for submission in (
        Submission.objects.filter(learner=user)
        .select_related("quiz__week")
        .prefetch_related(
            Prefetch(
                "answers",
                Answer.objects.select_related("question", "reviewed_by").prefetch_related(
                    "question__choices"
                ),
            )
        )
        .order_by("submitted_at", "pk")
    ):
        review = learner_review(submission=submission)
        answers = []
        for answer in submission.answers.all():
            row: dict[str, Any] = {
                "question": answer.question.prompt,
                "kind": answer.question.kind,
                "answer": answer.display_value,
            }
            if review.right_wrong:
                row |= {
                    "is_correct": answer.is_correct,
                    "points": _decimal(answer.awarded_points),
                    "feedback": answer.feedback,
                    "reviewed_by": shown_name(answer.reviewed_by, unnamed="your mentor")
                    if answer.reviewed_by_id
                    else None,
                    "reviewed_at": iso(answer.reviewed_at),
                }
            answers.append(row)
        submissions.append(
            {
                "id": submission.pk,
                "quiz": submission.quiz.title,
                "week": submission.quiz.week.number,
                "enrolment": submission.enrolment_id,
                "attempt": submission.attempt_number,
                "status": submission.status,
                "submitted_at": iso(submission.submitted_at),
                "graded_at": iso(submission.graded_at),
                "score": _decimal(submission.score),
                "max_score": _decimal(submission.max_score),
                "percent": _decimal(submission.percent),
                "passed": submission.passed,
                "answers": answers,
            }
        )
    record = QuizRecord.objects.filter(learner=user).first()
    results = (
        {
            "quizzes_taken": record.quizzes_taken,
            "average_best_percent": _decimal(record.average_best_percent),
            "failed": record.failed_titles,
            "last_quiz": record.last_quiz_title,
            "last_status": record.last_status,
            "last_percent": _decimal(record.last_percent),
        }
        if record
        else None
    )
    return Export(records={"quizzes": {"submissions": submissions, "results": results}})


def erase(user: User, *, identity: Identity) -> list[str]:
    """Submissions stay with their scores (a quiz's pass rate, the mentor's counts); what the learner
    wrote in answers and what graders wrote back goes."""
    Answer.objects.filter(submission__learner=user).update(value="", feedback="")
    return []


def owned(user: User) -> list[QuerySet[Any]]:
    return [Submission.objects.filter(learner=user), Answer.objects.filter(submission__learner=user)]
