"""Reads for reminders: the learners to consider, page by page, and what each of them is due.

Everything is loaded per batch of enrolments, never per learner, as plain values (no model instances):
one query of the candidates' stored standings (who is due), one for the enrolments due with their
learners' names and what their e-mails say of their standings. No schedule is built unless a stored
standing is out of date.
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import NamedTuple

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import greeting_name_of
from accounts.preferences import Stream
from assessments.summaries import QuizSummary, quiz_summaries_for_learners
from curriculum.models import Week
from lms.id_pages import id_pages
from progress.models import Enrolment, Standing
from progress.selectors import SCHEDULE_FIELDS, standings_computed
from reminders import rules

BATCH_SIZE = 1000
"""Enrolments a batch (a page of candidates, one task): a batch's cost is mostly per learner, but a
dozen queries and statements are per batch (curriculum, quizzes, cards due, preferences, the
inserts' commit): 1,000 rather than 500 took 4–6 % off a 100,000-learner run. Its e-mails are sent
by the batch, which renews their claim while it sends (`notifications.outbox.Claim`)."""


def reminder_candidates(*, due_by: datetime | None = None) -> QuerySet[Enrolment]:
    """Enrolments that may get a reminder: active, reminders on, a learner we can write to, and a
    stored standing in a state that is reminded (`rules.REMINDED_STATES`): one indexed query. With
    `due_by`, only those whose learner's weekly time (`User.reminder_due_at`: their weekday and hour in
    their zone, accounts/weekly.py) has come by then.

    Whether they are due (and what) is `rules.reminder_kind_for`, applied by `reminders_due`.
    """
    candidates = (
        Enrolment.objects.filter(status=Enrolment.Status.ACTIVE, learner__is_active=True)
        .filter(standing__state__in=rules.REMINDED_STATES)
        .exclude(reminder_cadence=Enrolment.ReminderCadence.OFF)
        .exclude(learner__email="")
    )
    return candidates if due_by is None else candidates.filter(Stream.REMINDER.due_by(due_by, "learner__"))


def reminder_candidate_id_pages(
    *, due_by: datetime | None = None, batch_size: int = BATCH_SIZE
) -> Iterator[list[int]]:
    """Candidate ids in pages of `batch_size` (`lms.id_pages`: each page one indexed range query, the
    bound stated on the standing's key too)."""
    candidates = reminder_candidates(due_by=due_by or timezone.now())
    return id_pages(candidates, size=batch_size, also_on=("standing__pk",))


def curriculum_weeks() -> dict[int, Week]:
    """The curriculum by week number, with phases: loaded once per batch."""
    return {week.number: week for week in Week.objects.select_related("phase").order_by("number")}


class ComposedStanding(NamedTuple):
    """What a reminder e-mail says of the learner's standing (`progress.Standing`'s fields, as stored or
    as computed again at the run): read as plain values, a batch of learners at a time."""

    current_week: int | None
    weeks_behind: int
    overdue_weeks: list[int]
    first_open_week: int | None
    weeks_completed: int
    current_starts_on: date | None
    current_ends_on: date | None

    @classmethod
    def of(cls, standing: Standing) -> "ComposedStanding":
        return cls(*(getattr(standing, name) for name in cls._fields))


@dataclass(frozen=True)
class DueReminder:
    """A reminder due: the enrolment's and learner's values its e-mail needs, and the learner's standing."""

    enrolment_id: int
    learner_id: int
    email: str
    greeting_name: str
    """How the e-mail greets the learner (`User.greeting_name`'s rule)."""
    language: str
    """The e-mail's language: the learner's choice, else the site's."""
    cadence: str
    timezone: str
    kind: str
    standing: ComposedStanding
    """The learner's standing at the run: the stored one, or computed when its change had come (and
    the refresh not yet): what the e-mail says (week, dates, overdue weeks) comes from it."""

    @property
    def week(self) -> int:
        """The curriculum week the reminder is about: the learner's current week."""
        assert self.standing.current_week is not None  # rules never make a reminder without one
        return self.standing.current_week

    @property
    def key(self) -> str:
        return reminder_key(enrolment_id=self.enrolment_id, week=self.week, kind=self.kind)

    @property
    def cadence_label(self) -> str:
        return str(Enrolment.ReminderCadence(self.cadence).label)


class StoredFacts(NamedTuple):
    """What the reminder rule reads of a stored standing (`rules.StandingFacts`), as read in one row."""

    state: str
    planned_week: int | None
    current_week: int | None
    weeks_behind: int


CHOOSING_FIELDS = (
    *("id", "reminder_cadence", "last_activity_at"),
    *(f"standing__{name}" for name in ("state", "planned_week", "current_week", "weeks_behind")),
    "standing__refresh_due_at",
)
"""What choosing reads of each candidate, as plain values: a second run of the week reads 500 rows a
batch only to find them reminded already (as model instances, a third of its time)."""

COMPOSING_FIELDS = (
    *SCHEDULE_FIELDS,  # a standing out of date is computed again
    *("reminder_cadence", "learner_id"),
    *("learner__email", "learner__name", "learner__first_name", "learner__last_name"),  # the greeting
    "learner__language",  # the e-mail's language
    *(f"standing__{name}" for name in ComposedStanding._fields),
)
"""What composing reads of the enrolments due (and only of those), as plain values: model instances
of the enrolments, learners and whole standings were a fifth of a run's time."""


def reminder_key(*, enrolment_id: int, week: int, kind: str) -> str:
    """The outbox and notice key: one reminder per enrolment, curriculum week and kind."""
    return f"reminder:{enrolment_id}:{week}:{kind}"


def reminders_due(
    *, enrolment_ids: Sequence[int], as_of: datetime, skip_keys: Callable[[list[str]], set[str]] | None = None
) -> list[DueReminder]:
    """The reminders due at `as_of` for these enrolments (those no longer candidates are skipped).

    Who is due is decided on the stored standing (one query of plain values). `skip_keys`, given the
    keys of those due, returns the ones already sent: they are dropped before anything else is read,
    which is what lets a second run of the week cost one query a batch more than choosing. A standing
    stays true until its `refresh_due_at`, so its week names the key; a standing whose change has come
    (not refreshed yet) is not trusted: the rest are loaded (enrolments with their learners and
    standings, as values, one query), and such a standing is computed again at `as_of` (three queries
    more, when there is one), which names the week and what the e-mail says. Each learner's week is the one on
    their own calendar date at `as_of`, by the schedule rule the dashboard uses.
    """
    kinds: dict[int, str] = {}
    known: dict[int, str] = {}  # the keys the stored standing names
    stored_holds: set[int] = set()  # those whose stored standing is still theirs at `as_of`
    chosen = (
        reminder_candidates(due_by=as_of).filter(id__in=list(enrolment_ids)).values_list(*CHOOSING_FIELDS)
    )
    for pk, cadence, last_active_at, state, planned, current, behind, refresh_due_at in chosen:
        kind = rules.reminder_kind_for(
            standing=StoredFacts(state, planned, current, behind),
            cadence=cadence,
            last_active_at=last_active_at,
            now=as_of,
        )
        if kind is None:
            continue
        kinds[pk] = kind
        if _standing_holds_at(refresh_due_at, as_of):
            stored_holds.add(pk)
            if current:
                known[pk] = reminder_key(enrolment_id=pk, week=current, kind=kind)
    if skip_keys is not None and known:
        sent = skip_keys(list(known.values()))
        kinds = {pk: kind for pk, kind in kinds.items() if known.get(pk) not in sent}
    if not kinds:
        return []
    rows = (
        reminder_candidates(due_by=as_of)
        .filter(id__in=sorted(kinds))
        .order_by("id")
        .values_list(*COMPOSING_FIELDS)
    )
    schedule_width = len(SCHEDULE_FIELDS)
    due = []
    stale: list[Enrolment] = []
    for row in rows:
        pk, zone = row[0], row[SCHEDULE_FIELDS.index("timezone")]
        cadence, learner_id, email, name, first_name, last_name, language = row[
            schedule_width : schedule_width + 7
        ]
        stored = row[schedule_width + 7 :]
        if pk not in stored_holds:
            stale.append(Enrolment(**dict(zip(SCHEDULE_FIELDS, row[:schedule_width], strict=True))))
        due.append(
            DueReminder(
                enrolment_id=pk,
                learner_id=learner_id,
                email=email,
                greeting_name=greeting_name_of(name=name, first_name=first_name, last_name=last_name),
                language=language or settings.LANGUAGE_CODE,
                cadence=cadence,
                timezone=zone,
                kind=kinds[pk],
                standing=ComposedStanding(*stored),
            )
        )
    if stale:  # computed again at `as_of` (the rule's three queries) from the values read
        recomputed = standings_computed(stale, at=as_of)
        due = [
            replace(item, standing=ComposedStanding.of(recomputed[item.enrolment_id]))
            if item.enrolment_id in recomputed
            else item
            for item in due
        ]
    return [item for item in due if item.standing.current_week is not None]


def _standing_holds_at(refresh_due_at: datetime | None, moment: datetime) -> bool:
    """Whether a stored standing is still the learner's at `moment` (its next change has not come)."""
    return refresh_due_at is None or refresh_due_at > moment


def enrolment_for_unsubscribe(*, enrolment_id: int) -> Enrolment | None:
    """The enrolment a verified unsubscribe token names (any status: old e-mails keep working)."""
    return Enrolment.objects.select_related("learner").filter(pk=enrolment_id).first()


def quiz_summaries_for_batch(*, due: Sequence[DueReminder]) -> dict[tuple[int, int], QuizSummary]:
    """(learner id, week number) → that week's quiz summary, for the weekly reminders of a batch (each
    learner's own week): two queries per batch (assessments' own selector, so the quiz status rule
    stays in one place)."""
    weekly = [item for item in due if item.kind == rules.WEEKLY]
    if not weekly:
        return {}
    return quiz_summaries_for_learners(pairs={(item.learner_id, item.week) for item in weekly})
