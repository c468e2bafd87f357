"""Reads for reminders: the learners to consider, page by page, and what each of them is due.

Everything is loaded per batch of enrolments, never per learner: one query for the enrolments with
their learners, one for their week statuses, one for their schedule changes (plus one for the
curriculum weeks, which the caller loads once per batch).
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from assessments.selectors import QuizSummary, quiz_summaries_for_learners
from curriculum.models import Week
from progress.models import Enrolment, Standing
from progress.schedule import Schedule
from progress.selectors import schedules_for
from reminders import rules

BATCH_SIZE = 500


def reminder_candidates() -> QuerySet[Enrolment]:
    """Enrolments that may get a reminder: active, reminders on, a learner we can write to, and a
    stored standing in a state that is reminded (`rules.REMINDED_STATES`): one indexed query.

    Whether they are due (and what) is `rules.reminder_kind_for`, applied by `reminders_due`.
    """
    return (
        Enrolment.objects.filter(status=Enrolment.Status.ACTIVE, learner__is_active=True)
        .filter(standing__state__in=rules.REMINDED_STATES)
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
    def key(self) -> str:
        return reminder_key(enrolment_id=self.enrolment.pk, week=self.week, kind=self.kind)


SELECTION_FIELDS = (
    *("start_date", "pace", "timezone", "status", "paused_on", "ended_on"),  # the schedule
    *("reminder_cadence", "last_activity_at", "learner_id"),
    *("learner__email", "learner__name", "learner__first_name", "learner__last_name"),  # the greeting
    *(f"standing__{name}" for name in ("state", "planned_week", "current_week", "weeks_behind")),
    *("standing__total_weeks", "standing__refresh_due_at"),
)
"""What choosing and composing read of a batch's rows: a second run reads 500 rows a batch for nothing,
and whole rows (every date parsed) made up most of its time."""


def reminder_key(*, enrolment_id: int, week: int, kind: str) -> str:
    """The outbox and notice key: one reminder per enrolment, curriculum week and kind."""
    return f"reminder:{enrolment_id}:{week}:{kind}"


def reminders_due(
    *, enrolment_ids: Sequence[int], as_of: datetime, skip_keys: Callable[[list[str]], set[str]] | None = None
) -> list[DueReminder]:
    """The reminders due at `as_of` for these enrolments (those no longer candidates are skipped).

    Who is due is decided on the stored standing (one query with the enrolments). `skip_keys`, given the
    keys of those due, returns the ones already sent: they are dropped before any schedule is built,
    which is what lets a second run of the week cost one query a batch more than choosing. A standing
    stays true until its `refresh_due_at`, so its week names the key; a standing whose change has come
    (not refreshed yet) is not trusted for that, and the key is taken from the built schedule. Only for
    the rest is the dated schedule built (two more queries), for the e-mail's dates and overdue weeks.
    Each learner's week is the one on their own calendar date at `as_of`, by the schedule rule the
    dashboard uses.
    """
    enrolments = list(
        reminder_candidates()
        .filter(id__in=enrolment_ids)
        .select_related("learner", "standing")
        .only(*SELECTION_FIELDS)
        .order_by("id")
    )
    kinds = {}
    for enrolment in enrolments:
        kind = rules.reminder_kind_for(
            standing=enrolment.standing,
            cadence=enrolment.reminder_cadence,
            last_active_at=enrolment.last_activity_at,
            now=as_of,
        )
        if kind is not None:
            kinds[enrolment.pk] = kind
    due_enrolments = [enrolment for enrolment in enrolments if enrolment.pk in kinds]
    if skip_keys is not None and due_enrolments:
        known = {
            enrolment.pk: reminder_key(
                enrolment_id=enrolment.pk, week=enrolment.standing.current_week, kind=kinds[enrolment.pk]
            )
            for enrolment in due_enrolments
            if _standing_holds_at(enrolment.standing, as_of) and enrolment.standing.current_week
        }
        sent = skip_keys(list(known.values()))
        due_enrolments = [enrolment for enrolment in due_enrolments if known.get(enrolment.pk) not in sent]
    if not due_enrolments:
        return []
    schedules = schedules_for(due_enrolments, at=as_of, total_weeks=due_enrolments[0].standing.total_weeks)
    return [
        DueReminder(enrolment=enrolment, kind=kinds[enrolment.pk], schedule=schedules[enrolment.pk])
        for enrolment in due_enrolments
        if schedules[enrolment.pk].current_week is not None
    ]


def _standing_holds_at(standing: Standing, moment: datetime) -> bool:
    """Whether the stored standing is still the learner's at `moment` (its next change has not come)."""
    return standing.refresh_due_at is None or standing.refresh_due_at > moment


def enrolment_for_unsubscribe(*, enrolment_id: int) -> Enrolment | None:
    """The enrolment a verified unsubscribe token names (any status: old e-mails keep working)."""
    return Enrolment.objects.select_related("learner").filter(pk=enrolment_id).first()


def quiz_summaries_for_batch(*, due: Sequence[DueReminder]) -> dict[tuple[int, int], QuizSummary]:
    """(learner id, week number) → that week's quiz summary, for the weekly reminders of a batch:
    two queries per batch (assessments' own selector, so the quiz status rule stays in one place)."""
    weekly = [item for item in due if item.kind == rules.WEEKLY]
    if not weekly:
        return {}
    return quiz_summaries_for_learners(
        learner_ids={item.enrolment.learner_id for item in weekly},
        week_numbers={item.week for item in weekly},
    )
