"""The mentor dashboard: only the mentor's learners, flagged with reasons, sortable, CSV, constant queries."""

import csv
import io
import math
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Submission
from assessments.records import quiz_record_refresh
from curriculum.models import Week
from progress.models import Enrolment
from progress.services import week_progress_set
from progress.standings import standings_rebuild_all
from tests.factories import UserFactory
from tests.mentoring.conftest import enrol, quiz_of_week


def submission(
    learner, week: int, *, status: str, percent: str | None, passed: bool | None, attempt: int = 1
):
    quiz = quiz_of_week(week)
    created = Submission.objects.create(
        learner=learner, quiz=quiz, attempt_number=attempt, status=status,
        enrolment=Enrolment.objects.filter(learner=learner, status__in=["active", "paused"]).first(),
        percent=None if percent is None else Decimal(percent), passed=passed,
        graded_at=timezone.now() if status == Submission.Status.GRADED else None,
    )  # fmt: skip
    quiz_record_refresh(learner_ids=[learner.pk])  # written past the services: refresh the stored record
    return created


@pytest.fixture
def crafted(mentor, frozen_today):
    """One learner per flag, and one on track, all with this mentor."""
    this_monday, four_weeks_ago = date(2026, 11, 23), date(2026, 10, 26)
    learners = {
        name: UserFactory(username=name, name=name)
        for name in ["on_track", "behind", "inactive", "failed", "pending"]
    }
    enrol(learners["on_track"], mentor=mentor, start=this_monday)
    behind = enrol(learners["behind"], mentor=mentor, start=four_weeks_ago)
    week_progress_set(enrolment=behind, week=Week.objects.get(number=1), status="completed")
    enrol(learners["inactive"], mentor=mentor, start=this_monday, active_days_ago=20)
    enrol(learners["failed"], mentor=mentor, start=this_monday)
    submission(learners["failed"], 1, status=Submission.Status.GRADED, percent="40", passed=False)
    enrol(learners["pending"], mentor=mentor, start=this_monday)
    submission(learners["pending"], 1, status=Submission.Status.NEEDS_REVIEW, percent=None, passed=None)
    return learners


def rows_by_learner(response) -> dict[str, object]:
    return {row.learner.username: row for row in response.context["rows"]}


@pytest.mark.django_db
def test_each_crafted_learner_gets_the_right_flag_and_reason(client, mentor, crafted):
    client.force_login(mentor)
    response = client.get(reverse("mentoring:dashboard"))
    rows = rows_by_learner(response)
    assert {name: row.flags for name, row in rows.items()} == {
        "on_track": [],
        "behind": ["behind"],
        "inactive": ["inactive"],
        "failed": ["failed_quiz"],
        "pending": ["pending_review"],
    }
    assert rows["behind"].weeks_behind == 3
    assert rows["behind"].current_week == 5
    assert "3 weeks overdue" in rows["behind"].reasons[0]
    assert "no activity for 20 days" in rows["inactive"].reasons[0]
    assert "Week 1 quiz" in rows["failed"].reasons[0] or "failed" in rows["failed"].reasons[0]
    assert rows["failed"].quiz.average_percent == 40.0
    page = response.content.decode()
    assert "Behind schedule" in page
    assert "Answers to review" in page


@pytest.mark.django_db
def test_the_table_filters_by_flag_and_sorts(client, mentor, crafted):
    client.force_login(mentor)
    response = client.get(reverse("mentoring:dashboard"), {"flag": "behind"})
    assert list(rows_by_learner(response)) == ["behind"]
    response = client.get(reverse("mentoring:dashboard"), {"sort": "learner"})
    assert list(rows_by_learner(response)) == sorted(crafted)
    response = client.get(reverse("mentoring:dashboard"), {"flag": "nonsense", "sort": "nonsense"})
    assert response.status_code == 200
    assert len(response.context["rows"]) == 5


@pytest.mark.parametrize(
    ("sort", "first", "last"),
    [
        ("-weeks_behind", "behind", None),
        ("weeks_behind", None, "behind"),
        ("last_activity", "inactive", None),
        ("-last_activity", None, "inactive"),
        ("-quiz_average", "failed", None),  # the only graded average; learners without one sort lowest
        ("-flags", None, "on_track"),
        ("flags", "on_track", None),
    ],
)
@pytest.mark.django_db
def test_each_order_is_applied_in_the_database_over_the_stored_rows(
    client, mentor, crafted, sort, first, last
):
    client.force_login(mentor)
    names = list(rows_by_learner(client.get(reverse("mentoring:dashboard"), {"sort": sort})))
    assert sorted(names) == sorted(crafted)
    if first:
        assert names[0] == first
    if last:
        assert names[-1] == last


@pytest.mark.django_db
def test_each_flag_filter_keeps_exactly_the_flagged_rows(client, mentor, crafted):
    client.force_login(mentor)
    flagged = {
        "behind": "behind",
        "inactive": "inactive",
        "failed_quiz": "failed",
        "pending_review": "pending",
    }
    for flag, name in flagged.items():
        response = client.get(reverse("mentoring:dashboard"), {"flag": flag})
        assert list(rows_by_learner(response)) == [name]
        assert response.context["total"] == 1  # counted on its own (mentee_count), as many as the rows


@pytest.mark.django_db
def test_the_count_is_the_number_of_rows_for_every_flag_and_segment(mentor, crafted):
    """The page's total is a query of its own (`mentee_count`): for every flag, every workspace segment
    and both together it counts the rows the table lists."""
    from mentoring.flags import FLAGS
    from mentoring.segments import STANDING_GROUPS, Segment
    from mentoring.table import mentee_count, mentee_table

    now = timezone.now()
    segments = [
        None,
        *(Segment(standing=name) for name in STANDING_GROUPS),
        Segment(active_week=0),
        Segment(quiz_phase=1),
    ]
    for flag in [None, *FLAGS, "unknown"]:
        for segment in segments:
            rows = mentee_table(user=mentor, flag=flag, segment=segment, now=now)
            assert mentee_count(user=mentor, flag=flag, segment=segment, now=now) == len(rows), (
                flag,
                segment,
            )


@pytest.mark.django_db
def test_a_page_read_by_its_ids_is_the_tables_rows_in_its_order(mentor, crafted):
    """`mentee_page` cuts the ordered ids and reads the rows by key: for every sort in both directions and
    every flag, pages of two rows put together are the table's rows, in its order, with the same flags,
    and each page knows the table's number of rows."""
    from mentoring.flags import FLAGS
    from mentoring.table import SORT_KEYS, mentee_page, mentee_rows_from, mentee_table

    now = timezone.now()
    for sort in [*SORT_KEYS, *(f"-{key}" for key in SORT_KEYS), "nonsense"]:
        for flag in [None, *FLAGS]:
            table = list(mentee_rows_from(mentee_table(user=mentor, flag=flag, sort=sort, now=now), now=now))
            paged = []
            for number in range(1, len(table) // 2 + 2):
                page = mentee_page(user=mentor, number=number, per_page=2, flag=flag, sort=sort, now=now)
                assert page.total == len(table), (sort, flag)
                if number <= max(1, math.ceil(len(table) / 2)):
                    assert page.page.number == number
                    paged += page.rows
            assert [row.enrolment.pk for row in paged] == [row.enrolment.pk for row in table], (sort, flag)
            assert [(row.flags, row.reasons, row.cards_due) for row in paged] == [
                (row.flags, row.reasons, row.cards_due) for row in table
            ], (sort, flag)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("asked", "shown"),
    [
        (None, 1),
        ("", 1),
        ("x", 1),
        ("0", 1),
        ("-3", 1),
        ("2", 2),
        ("3", 3),
        ("4", 3),
        ("999", 3),
        ("1e9", 1),
        ("9" * 40, 3),
    ],
)
def test_a_page_number_out_of_range_or_not_a_number_shows_a_page_as_django_does(
    mentor, crafted, asked, shown
):
    """Six rows, two a page: not a number gives the first page, past the end the last (the paginator's
    `get_page`), with that page's rows and the total."""
    from mentoring.table import mentee_page, mentee_rows_from, mentee_table

    enrol(UserFactory(username="sixth"), mentor=mentor, start=date(2026, 11, 23))
    now = timezone.now()
    table = [row.enrolment.pk for row in mentee_rows_from(mentee_table(user=mentor, now=now), now=now)]
    page = mentee_page(user=mentor, number=asked, per_page=2, now=now)
    assert (page.page.number, page.total, page.page.paginator.num_pages) == (shown, 6, 3)
    assert [row.enrolment.pk for row in page.rows] == table[(shown - 1) * 2 : shown * 2]


@pytest.mark.django_db
def test_a_mentor_without_mentees_gets_an_empty_first_page(mentor):
    from mentoring.table import mentee_page

    page = mentee_page(user=mentor, number="7")
    assert (page.rows, page.total, page.page.number, page.page.has_other_pages()) == ([], 0, 1, False)


@pytest.mark.django_db
def test_the_csv_has_the_same_rows_as_the_page(client, mentor, crafted):
    client.force_login(mentor)
    for query in [{}, {"flag": "inactive"}, {"sort": "-weeks_behind"}]:
        page_rows = [
            row.learner.email for row in client.get(reverse("mentoring:dashboard"), query).context["rows"]
        ]
        response = client.get(reverse("mentoring:dashboard-csv"), query)
        assert response["Content-Type"].startswith("text/csv")
        table = list(csv.DictReader(io.StringIO(response.content.decode())))
        assert [row["email"] for row in table] == page_rows
    behind = next(row for row in table if row["email"] == "behind@example.com")
    assert behind["weeks_behind"] == "3"
    assert behind["flags"] == "behind"


@pytest.mark.django_db
def test_a_mentor_sees_only_their_own_learners(client, mentor, other_mentor, mentee, other_mentee):
    client.force_login(mentor)
    emails = [row.learner.email for row in client.get(reverse("mentoring:dashboard")).context["rows"]]
    assert emails == [mentee.learner.email]
    assert other_mentee.learner.email not in client.get(reverse("mentoring:dashboard-csv")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "dashboard", "own_learner", "other_learner"),
    [
        ("anonymous", 302, 302, 302),
        ("learner", 403, 403, 403),
        ("mentor", 200, 200, 404),
        ("other_mentor", 200, 404, 200),
        ("staff", 200, 200, 200),
    ],
)
def test_access_by_role(client, request, mentee, other_mentee, role, dashboard, own_learner, other_learner):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("mentoring:dashboard")).status_code == dashboard
    assert client.get(reverse("mentoring:dashboard-csv")).status_code == dashboard
    assert client.get(reverse("mentoring:learner", args=[mentee.pk])).status_code == own_learner
    assert client.get(reverse("mentoring:learner", args=[other_mentee.pk])).status_code == other_learner


@pytest.mark.django_db
def test_staff_see_every_learner(client, staff, mentee, other_mentee):
    client.force_login(staff)
    rows = client.get(reverse("mentoring:dashboard")).context["rows"]
    assert {row.enrolment.pk for row in rows} == {mentee.pk, other_mentee.pk}


@pytest.mark.django_db
def test_the_dashboard_for_500_mentees_runs_in_at_most_10_queries(
    client, mentor, frozen_today, django_assert_max_num_queries
):
    from accounts.models import User

    users = User.objects.bulk_create(
        [User(username=f"bulk{i}", email=f"bulk{i}@example.com") for i in range(500)]
    )
    Enrolment.objects.bulk_create(
        [
            Enrolment(learner=user, mentor=mentor, start_date=date(2026, 9, 7), calendar_token=f"t{user.pk}")
            for user in users
        ]
    )
    standings_rebuild_all()  # written past the services
    first = Enrolment.objects.filter(mentor=mentor).first()
    week_progress_set(enrolment=first, week=Week.objects.get(number=1), status="completed")
    submission(first.learner, 1, status=Submission.Status.GRADED, percent="90", passed=True)
    client.force_login(mentor)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("mentoring:dashboard"))
    assert response.context["total"] == 500
    assert len(response.context["rows"]) == 25  # a page of the table; flags and order cover all 500
    with django_assert_max_num_queries(10):
        assert client.get(reverse("mentoring:dashboard"), {"page": 5}).status_code == 200
    for per_page, rows in [("100", 100), ("50", 50), ("7", 25), ("x", 25)]:
        with django_assert_max_num_queries(10):
            response = client.get(reverse("mentoring:dashboard"), {"per_page": per_page})
        assert len(response.context["rows"]) == rows
        assert f'<option value="{rows}" selected>' in response.content.decode()
    for query in [{"sort": "-weeks_behind"}, {"flag": "behind"}, {"sort": "quiz_average", "page": 3}]:
        with django_assert_max_num_queries(10):
            assert client.get(reverse("mentoring:dashboard"), query).status_code == 200
    with django_assert_max_num_queries(10):
        response = client.get(reverse("mentoring:dashboard-csv"))
    assert response.content.decode().count("\n") == 501


@pytest.mark.django_db
def test_each_row_says_what_the_learners_own_schedule_and_results_say(client, mentor, frozen_today):
    """The table's shortcuts (bit masks, standings, per-quiz aggregates) against the learner's own pages."""
    from mentoring.table import mentee_rows
    from progress.selectors import schedule_for
    from progress.services import enrolment_pause, schedule_replan

    six_weeks_ago = date(2026, 10, 12)
    learners = {name: UserFactory(username=name) for name in ["replanned", "paused", "spread", "quizzes"]}
    enrolments = {name: enrol(user, mentor=mentor, start=six_weeks_ago) for name, user in learners.items()}
    weeks = {week.number: week for week in Week.objects.select_related("phase")}
    completed = {"replanned": [1, 2], "paused": [1], "spread": [1, 2, 3, 14, 30, 52], "quizzes": []}
    for name, numbers in completed.items():
        for number in numbers:
            week_progress_set(enrolment=enrolments[name], week=weeks[number], status="completed")
    week_progress_set(enrolment=enrolments["spread"], week=weeks[4], status="in_progress")
    schedule_replan(enrolment=enrolments["replanned"], changed_by=learners["replanned"])
    enrolment_pause(enrolment=enrolments["paused"], today=date(2026, 11, 1))
    quizzes = learners["quizzes"]
    submission(quizzes, 1, status=Submission.Status.GRADED, percent="40", passed=False)
    submission(quizzes, 1, status=Submission.Status.GRADED, percent="80", passed=True, attempt=2)
    submission(quizzes, 3, status=Submission.Status.NEEDS_REVIEW, percent=None, passed=None)
    submission(quizzes, 2, status=Submission.Status.GRADED, percent="30", passed=False)

    rows = {row.learner.username: row for row in mentee_rows(user=mentor)}

    for name, enrolment in enrolments.items():
        enrolment.refresh_from_db()
        own = schedule_for(enrolment, today=frozen_today)
        row = rows[name]
        assert (row.current_week, row.weeks_behind, row.schedule_label) == (
            own.current_week,
            own.weeks_behind,
            own.label,
        ), name
        done = set(completed[name])
        assert row.completion_percent == round(100 * len(done) / len(weeks))
        for phase, percent in row.phase_percents.items():
            in_phase = {number for number, week in weeks.items() if week.phase.number == phase}
            assert percent == round(100 * len(done & in_phase) / len(in_phase)), (name, phase)
    assert rows["replanned"].weeks_behind == 0
    assert rows["paused"].schedule_label == "Paused"
    assert rows["spread"].phase_percents[1] > 0
    assert rows["spread"].phase_percents[3] > 0

    stats = rows["quizzes"].quiz
    assert stats.average_percent == 55.0  # best of each graded quiz: 80 and 30
    assert stats.failed_quizzes == [quiz_of_week(2).title]  # week 1 was passed on the second attempt
    assert (stats.last_quiz, stats.last_percent, stats.last_passed) == (quiz_of_week(2).title, 30.0, False)
    assert stats.pending_reviews == 1
    assert rows["spread"].quiz.average_percent is None
    assert rows["spread"].quiz.last_quiz is None


@pytest.mark.django_db
@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_the_csv_neutralises_cells_a_spreadsheet_would_run_as_formulas(client, mentor, frozen_today, start):
    learner = UserFactory(
        username="mallory", first_name=f'{start}HYPERLINK("https://evil.example")', last_name="X"
    )
    enrol(learner, mentor=mentor, start=date(2026, 11, 23))
    quiz = quiz_of_week(1)
    quiz.title = f"{start}1+1"
    quiz.save()
    submission(learner, 1, status=Submission.Status.GRADED, percent="40", passed=False)
    client.force_login(mentor)
    table = list(csv.DictReader(io.StringIO(client.get(reverse("mentoring:dashboard-csv")).content.decode())))
    row = next(row for row in table if row["email"] == learner.email)
    assert row["learner"].endswith('HYPERLINK("https://evil.example") X')  # names are trimmed
    assert row["last_quiz"] == f"'{start}1+1"
    assert row["weeks_behind"] == "0"  # numbers stay numbers
    cells = [cell for row in table for cell in row.values()]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
