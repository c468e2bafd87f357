"""The mentor workspace: charts of the group above the mentor table, each segment a link that filters it.

Every count is made with the table's own filters (`table.mentee_table` with a `Segment`: the
STANDING_GROUPS and `active_in_week` conditions, `learners_with_unpassed_quiz_by_phase`), on the rows the
table shows unfiltered, so a segment's number is the number of rows its link shows. A constant number
of queries: one aggregate for standings, two grouped ones for activity, one for the quiz results (stored
quiz records), one for the review queue, and for staff one for the mentors.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Min, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from accounts.models import PERSON_NAME_FIELDS, User, display_name_of
from assessments.selectors import has_reviews_waiting, submissions_waiting_for_review_in
from charts.svg import BarChart, Datum, bar_chart, column_chart
from mentoring.segments import (
    ACTIVITY_WEEKS,
    STANDING_GROUPS,
    PhaseQuizResults,
    Segment,
    active_weeks_by_learner,
    quiz_results_by_phase,
)
from mentoring.table import mentee_table
from progress import predicates
from progress.models import Enrolment
from projects.selectors import versions_waiting_in

TONES = {
    "ahead": "ok",
    "on_track": "ok",
    "behind_1": "warn",
    "behind_2": "warn",
    "behind_3": "bad",
    "other": "muted",
}


def _href(base: dict[str, str], **params: object) -> str:
    """The mentor table filtered to a segment (the charts are also a page of their own: a full URL)."""
    query = urlencode({**base, **{name: str(value) for name, value in params.items()}})
    return f"{reverse('mentoring:dashboard')}?{query}"


def _learners(count: int) -> str:
    return ngettext("%(count)s learner", "%(count)s learners", count) % {"count": count}


@dataclass(frozen=True)
class ReviewQueue:
    submissions: int
    learners: int
    oldest: datetime | None
    href: str

    @property
    def oldest_days(self) -> int | None:
        return None if self.oldest is None else (timezone.now() - self.oldest).days


@dataclass(frozen=True)
class MentorLine:
    mentor_id: int
    name: str
    learners: int
    to_catch_up: int
    reviews: int
    href: str


@dataclass(frozen=True)
class Workspace:
    standing: BarChart
    activity: BarChart
    pass_rate: BarChart
    quiz_help: dict[int, int]
    """Phase number → learners with a quiz of that phase not passed yet (what its bar's link shows)."""
    reviews: ReviewQueue
    projects: ReviewQueue
    """Project versions waiting for review (`submissions` counts versions)."""
    mentors: list[MentorLine]
    total: int


def workspace_for(
    *, user: User, mentor_id: int | None = None, cohort_id: int | None = None, now: datetime | None = None
) -> Workspace:
    now = now or timezone.now()
    base_segment = Segment(mentor_id=mentor_id if user.is_staff else None, cohort_id=cohort_id)
    base = base_segment.query
    rows = mentee_table(user=user, segment=base_segment, now=now).order_by()
    counts = rows.aggregate(
        total=Count("pk"),
        **{
            f"standing_{key}": Count("pk", filter=condition)
            for key, (_, condition) in STANDING_GROUPS.items()
        },
    )
    active_weeks = active_weeks_by_learner(rows=rows, now=now)
    for back in range(ACTIVITY_WEEKS):
        counts[f"active_{back}"] = sum(back in weeks for weeks in active_weeks.values())
    standing = bar_chart(
        ident="chart-standing",
        title=gettext("Where the group stands"),
        description="; ".join(
            gettext("%(group)s: %(learners)s")
            % {"group": label, "learners": _learners(counts[f"standing_{key}"])}
            for key, (label, _) in STANDING_GROUPS.items()
        ),
        data=[
            Datum(
                str(label),
                counts[f"standing_{key}"],
                _href(base, standing=key),
                _learners(counts[f"standing_{key}"]),
                TONES[key],
            )
            for key, (label, _) in STANDING_GROUPS.items()
        ],
        caption_value=gettext("Learners"),
    )
    weeks = list(reversed(range(ACTIVITY_WEEKS)))
    activity = column_chart(
        ident="chart-activity",
        title=ngettext(
            "Learners active, each of the last %(count)s week",
            "Learners active, each of the last %(count)s weeks",
            ACTIVITY_WEEKS,
        )
        % {"count": ACTIVITY_WEEKS},
        description="; ".join(
            gettext("%(group)s: %(learners)s")
            % {"group": _week_name(n), "learners": _learners(counts[f"active_{n}"])}
            for n in weeks
        ),
        data=[
            Datum(_week_short(n), counts[f"active_{n}"], _href(base, active=n), str(counts[f"active_{n}"]))
            for n in weeks
        ],
        caption_value=gettext("Learners active"),
    )
    pass_rate, quiz_help = _pass_rate_chart(rows, base)
    reviews = _review_queue(rows, base)
    projects = _project_queue(rows, base)
    mentors = _mentor_lines(rows) if user.is_staff and mentor_id is None else []
    return Workspace(standing, activity, pass_rate, quiz_help, reviews, projects, mentors, counts["total"])


def _week_name(weeks_ago: int) -> str:
    if weeks_ago == 0:
        return gettext("the last 7 days")
    return ngettext("%(count)s week before", "%(count)s weeks before", weeks_ago) % {"count": weeks_ago}


def _week_short(weeks_ago: int) -> str:
    # Translators: the activity chart's column of the last 7 days (the others read -1, -2 …).
    return gettext("now") if weeks_ago == 0 else f"-{weeks_ago}"


def _pass_rate_chart(rows: QuerySet[Enrolment], base: dict[str, str]) -> tuple[BarChart, dict[int, int]]:
    """Per phase: the share of the group's decided quiz results (passed, or not passed yet) that passed,
    linking to the learners with a quiz of that phase not passed yet (and how many they are)."""
    results = quiz_results_by_phase(learner_ids=rows.values("learner_id"))
    data, helping = [], {}
    for number in sorted(n for n in results if n) or [1]:
        phase = results.get(number, PhaseQuizResults())
        rate = phase.pass_rate
        helping[number] = len(phase.learners_failing)
        text = f"{rate}%" if rate is not None else gettext("no results")
        href = _href(base, quiz_phase=number) if helping[number] else ""
        label = gettext("Phase %(number)s") % {"number": number}
        data.append(Datum(label, rate or 0, href, text, "ok" if (rate or 0) >= 70 else "warn"))
    chart = bar_chart(
        ident="chart-pass-rate",
        title=gettext("Quiz pass rate per phase"),
        description="; ".join(
            ngettext(
                "Phase %(number)s: %(rate)s passed, %(count)s learner with a quiz not passed yet",
                "Phase %(number)s: %(rate)s passed, %(count)s learners with a quiz not passed yet",
                count,
            )
            % {"number": number, "rate": datum.shown, "count": count}
            for datum, (number, count) in zip(data, helping.items(), strict=True)
        ),
        data=data,
        maximum=100,
        caption_value=gettext("Passed"),
    )
    return chart, helping


def _queue(waiting: QuerySet[Any], *, learner_field: str, href: str) -> ReviewQueue:
    """How many wait (quiz submissions or project versions), from how many learners, since when."""
    counts = waiting.aggregate(
        submissions=Count("pk"), learners=Count(learner_field, distinct=True), oldest=Min("submitted_at")
    )
    return ReviewQueue(counts["submissions"], counts["learners"], counts["oldest"], href)


def _review_queue(rows: QuerySet[Enrolment], base: dict[str, str]) -> ReviewQueue:
    waiting = submissions_waiting_for_review_in(enrolment_ids=rows.values("pk"))
    return _queue(waiting, learner_field="learner_id", href=_href(base, flag="pending_review"))


def _project_queue(rows: QuerySet[Enrolment], base: dict[str, str]) -> ReviewQueue:
    waiting = versions_waiting_in(enrolment_ids=rows.values("pk"))
    return _queue(waiting, learner_field="enrolment_id", href=_href(base, flag="project_waiting"))


def _mentor_lines(rows: QuerySet[Enrolment]) -> list[MentorLine]:
    """Staff: each mentor's group (and the learners without one), with a link to it."""
    lines = (
        rows.values("mentor_id", *(f"mentor__{field}" for field in PERSON_NAME_FIELDS))
        .annotate(
            learners=Count("pk"),
            to_catch_up=Count("pk", filter=predicates.behind()),
            reviews=Count("pk", filter=has_reviews_waiting()),
        )
        .order_by("mentor__email")
    )
    result = []
    for line in lines:
        mentor_id = line["mentor_id"]
        if mentor_id is None:
            continue
        name = display_name_of([line[f"mentor__{field}"] for field in PERSON_NAME_FIELDS])
        href = _href({}, mentor=mentor_id)
        result.append(
            MentorLine(mentor_id, name, line["learners"], line["to_catch_up"], line["reviews"], href)
        )
    return result
