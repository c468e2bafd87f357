"""The stored quiz record per learner (`QuizRecord`, of the attempts that count: those under the
learner's current enrolment, `assessments.attempts`): its one writer, `quiz_record_refresh`, called in
the transaction of every write that changes a learner's submissions (submit, grading, a mentor's
review), and the rebuild of every record (migrations, repairs). Storage, not a service: the grading
worker (`autograding`) and the services both call it, and it calls neither."""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction

from accounts.models import User
from assessments import grading
from assessments.attempts import counts as attempt_counts
from assessments.models import QuizRecord, Submission
from assessments.selectors import quiz_flags_of
from assessments.signals import quiz_records_refreshed
from lms.id_pages import id_pages
from progress.rebuilds import Rebuild

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
        Submission.objects.filter(attempt_counts(), learner_id__in=ids)  # the attempts that count now
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
                average_best_percent=grading.average_percent(list(best.values())),
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
    """Recompute the quiz record of every learner who has submitted anything, in this process (data
    migrations; small databases). The command fans the same work out over workers
    (`QUIZ_RECORDS_REBUILD`)."""
    for learner_ids in id_pages(Submission.objects.distinct(), size=1000, field="learner_id"):
        quiz_record_refresh(learner_ids=learner_ids)


def quiz_records_recompute_range(first_id: int, last_id: int, as_of: datetime) -> int:
    """Recompute the quiz records of the learners first_id..last_id who have submitted anything (one
    range of a rebuild run; a record does not depend on the instant)."""
    learner_ids = set(
        Submission.objects.filter(learner_id__gte=first_id, learner_id__lte=last_id).values_list(
            "learner_id", flat=True
        )
    )
    return len(quiz_record_refresh(learner_ids=learner_ids))


QUIZ_RECORDS_REBUILD = Rebuild(
    kind="quiz_records",
    rows_name="quiz records",
    ids=Submission.objects.distinct,
    id_field="learner_id",
    recompute=quiz_records_recompute_range,
)
"""Every learner's quiz record, rebuilt in ranges over workers (`progress.rebuilds`)."""
