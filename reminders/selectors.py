"""Reads for reminders: the learners to consider, page by page, and what each of them is due.

Everything is loaded per batch of enrolments, never per learner: one query for the enrolments with
their learners, one for their week statuses, one for their schedule changes (plus one for the
curriculum weeks, which the caller loads once per batch).
"""

import logging
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from curriculum.models import Week
from progress.models import Enrolment, ScheduleChange, WeekProgress
from progress.schedule import Schedule
from progress.selectors import schedule_for
from reminders import rules

logger = logging.getLogger(__name__)

BATCH_SIZE = 500


def reminder_candidates() -> QuerySet[Enrolment]:
    """Enrolments that may get a reminder: active, reminders on, a learner we can write to.

    Whether they are due (and what) depends on their schedule, which `reminders_due` computes.
    """
    return (
        Enrolment.objects.filter(status=Enrolment.Status.ACTIVE, learner__is_active=True)
        .exclude(reminder_cadence=Enrolment.ReminderCadence.OFF)
        .exclude(learner__email="")
    )


def reminder_candidate_id_pages(*, batch_size: int = BATCH_SIZE) -> Iterator[list[int]]:
    """Candidate ids in pages of `batch_size`, by keyset on id: each page is one indexed range query."""
    after_id = 0
    while True:
        ids = list(
            reminder_candidates()
            .filter(id__gt=after_id)
            .order_by("id")
            .values_list("id", flat=True)[:batch_size]
        )
        if not ids:
            return
        yield ids
        after_id = ids[-1]


def curriculum_weeks() -> dict[int, Week]:
    """The curriculum by week number, with phases: loaded once per batch."""
    return {week.number: week for week in Week.objects.select_related("phase").order_by("number")}


@dataclass(frozen=True)
class DueReminder:
    enrolment: Enrolment
    kind: str
    schedule: Schedule

    @property
    def week(self) -> int:
        """The curriculum week the reminder is about: the learner's current week."""
        assert self.schedule.current_week is not None  # rules never make a reminder without one
        return self.schedule.current_week

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.enrolment.pk, self.week, self.kind)


def reminders_due(*, enrolment_ids: Sequence[int], as_of: datetime) -> list[DueReminder]:
    """The reminders due at `as_of` for these enrolments (those no longer candidates are skipped).

    Three queries, whatever the number of enrolments. Each learner's week is computed on their own
    calendar date at `as_of`, by the same schedule function the dashboard uses.
    """
    enrolments = list(
        reminder_candidates().filter(id__in=enrolment_ids).select_related("learner").order_by("id")
    )
    if not enrolments:
        return []
    ids = [enrolment.pk for enrolment in enrolments]
    statuses: dict[int, dict[int, str]] = defaultdict(dict)
    progress_rows = (
        WeekProgress.objects.filter(enrolment_id__in=ids)
        .exclude(status=WeekProgress.Status.NOT_STARTED)
        .values_list("enrolment_id", "week__number", "status")
    )
    for enrolment_id, number, status in progress_rows:
        statuses[enrolment_id][number] = status
    changes: dict[int, list[ScheduleChange]] = defaultdict(list)
    for change in ScheduleChange.objects.filter(enrolment_id__in=ids).order_by("created_at", "id"):
        changes[change.enrolment_id].append(change)

    due = []
    for enrolment in enrolments:
        today = as_of.astimezone(ZoneInfo(enrolment.timezone)).date()
        schedule = schedule_for(
            enrolment, statuses=statuses[enrolment.pk], changes=changes[enrolment.pk], today=today
        )
        kind = rules.reminder_kind_for(
            schedule=schedule,
            cadence=enrolment.reminder_cadence,
            last_active_at=enrolment.last_activity_at or enrolment.created_at,
            now=as_of,
        )
        if kind is not None:
            due.append(DueReminder(enrolment=enrolment, kind=kind, schedule=schedule))
    return due


def enrolment_for_unsubscribe(*, enrolment_id: int) -> Enrolment | None:
    """The enrolment a verified unsubscribe token names (any status: old e-mails keep working)."""
    return Enrolment.objects.select_related("learner").filter(pk=enrolment_id).first()


def quiz_summaries_for_batch(*, due: Sequence[DueReminder]) -> dict[tuple[int, int], Any]:
    """(learner id, week number) → that week's quiz summary, for the weekly reminders of a batch.

    assessments.selectors.quiz_summaries_for(*, learner) answers for one learner in two queries, which
    per reminder would be 200,000 queries for 100,000 learners. This loads the published quizzes of
    the batch's weeks once and the batch's submissions to them once (two queries per batch), and
    lets assessments' own `summarise` decide each status, so the rules stay in one place.

    Imported lazily: without the assessments app (or with a changed one), the reminders go out
    without the quiz line rather than not at all.
    """
    weekly = [item for item in due if item.kind == rules.WEEKLY]
    if not weekly:
        return {}
    try:
        from assessments.models import Quiz, Submission
        from assessments.selectors import summarise  # type: ignore[attr-defined, unused-ignore]

        quizzes: dict[int, Any] = {}
        published = Quiz.objects.filter(is_published=True, week__number__in={item.week for item in weekly})
        for published_quiz in published.select_related("week").order_by("week__number", "id"):
            quizzes.setdefault(published_quiz.week.number, published_quiz)
        attempts: dict[tuple[int, int], list[Any]] = defaultdict(list)
        submissions = Submission.objects.filter(
            learner_id__in={item.enrolment.learner_id for item in weekly},
            quiz__in=list(quizzes.values()),
        ).order_by("submitted_at", "id")
        for submission in submissions:
            attempts[(submission.learner_id, submission.quiz_id)].append(submission)
        return {
            (item.enrolment.learner_id, item.week): summarise(
                quiz, attempts.get((item.enrolment.learner_id, quiz.pk), [])
            )
            for item in weekly
            if (quiz := quizzes.get(item.week)) is not None
        }
    except Exception:  # the quiz line is optional: the reminders must still go out
        logger.exception("Quiz status unavailable for this batch of reminders")
        return {}
