"""The progress page: its figures are the stored standing and the quiz results (one source each); the
plan-against-actual chart, week map and forecast of crafted learners (ahead, behind, paused, re-planned)
on frozen days; who may open it; a constant number of queries."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from assessments import autograding
from assessments import services as assessment_services
from assessments.grading import percent_text
from assessments.selectors import quiz_record_of
from assessments.summaries import quiz_summaries_for
from curriculum.models import Week
from curriculum.selectors import week_count
from learner.plan import Pause, actual_points, finish_forecast
from learner.progress_report import progress_report, report_enrolments_visible_to
from progress import services as progress_services
from progress.models import Enrolment, Standing
from progress.standings import standing_refresh
from tests.assessments.conftest import half_answers, make_quiz, perfect_answers

MONDAY = date(2026, 11, 2)


def enrolled(learner, *, start: date, mentor=None) -> Enrolment:
    with freeze_time(start):
        enrolment = progress_services.enrolment_create(learner=learner, start_date=start)
    if mentor:
        Enrolment.objects.filter(pk=enrolment.pk).update(mentor=mentor)
        enrolment.refresh_from_db()
    return enrolment


def complete(enrolment, numbers, *, on: date) -> None:
    with freeze_time(on):
        for number in numbers:
            progress_services.week_progress_set(
                enrolment=enrolment, week=Week.objects.get(number=number), status="completed"
            )


def report_of(enrolment, *, today: date):
    with freeze_time(today):
        standing_refresh(enrolment_ids=[enrolment.pk])
        fresh = report_enrolments_visible_to(user=enrolment.learner).get(pk=enrolment.pk)
        return progress_report(enrolment=fresh, viewer=enrolment.learner, today=today)


def figure(page: str, name: str) -> str:
    match = re.search(rf'data-figure="{name}">(.*?)</', page, re.S)
    assert match, name
    return " ".join(match.group(1).split())


@pytest.mark.django_db
def test_the_figures_are_the_stored_standing_and_the_quiz_results(client, learner):
    enrolment = enrolled(learner, start=MONDAY)
    complete(enrolment, [1, 2, 3], on=MONDAY + timedelta(days=10))
    first, second = make_quiz(week=1), make_quiz(week=2)
    with freeze_time(MONDAY + timedelta(days=12)):
        for quiz, answers in [(first, half_answers), (first, perfect_answers), (second, half_answers)]:
            submission = assessment_services.submission_create(
                learner=learner, quiz=quiz, answers=answers(quiz)
            )
            autograding.submission_grade(submission_id=submission.pk)
    with freeze_time(MONDAY + timedelta(days=30)):
        standing_refresh(enrolment_ids=[enrolment.pk])
        client.force_login(learner)
        page = client.get(reverse("learner:progress")).content.decode()
        summaries = quiz_summaries_for(learner=learner)
    standing = Standing.objects.get(enrolment=enrolment)
    record = quiz_record_of(learner)
    assert (
        figure(page, "weeks-completed")
        == f"{standing.weeks_completed} of {standing.total_weeks}"
        == f"3 of {week_count()}"
    )
    assert standing.weeks_behind == 1  # week 4 (day 30 is in week 5)
    assert figure(page, "standing") == "1 week to catch up"
    assert (
        figure(page, "quiz-average") == percent_text(record.average_best_percent) + "%" == "75%"
    )  # (100 + 50) / 2
    assert figure(page, "quizzes-passed") == f"1 of {len(summaries)}"
    for number, done, total in standing.phase_completion:
        assert re.search(rf'data-phase="{number}">.*?<td>{done} of {total}</td>', page, re.S)
    for number in (1, 2):
        row = re.search(rf'<tr data-week="{number}">(.*?)</tr>', page, re.S).group(1)
        summary = summaries[number]
        best = re.search(r"data-best>(.*?)</td>", row).group(1)
        last = re.search(r"data-last>(.*?)</td>", row).group(1)
        attempts = re.search(r"data-attempts>(.*?)</td>", row).group(1)
        assert (best, last, attempts) == (
            percent_text(summary.best_percent) + "%",
            percent_text(summary.last_percent) + "%",
            f"{summary.attempts_used} of {summary.max_attempts}",
        )
    assert tuple(re.findall(r"data-(?:best|last)>(.*?)</td>", page)[:2]) == ("100%", "100%")
    assert "Not passed yet · 2 attempts left" in page  # week 2: neutral words, not a red FAILED


@pytest.mark.django_db
def test_the_map_has_a_linked_cell_per_curriculum_week_and_a_legend(client, learner):
    enrolment = enrolled(learner, start=MONDAY)
    complete(enrolment, [1], on=MONDAY + timedelta(days=3))
    with freeze_time(MONDAY + timedelta(days=22)):  # week 4; weeks 2 and 3 to catch up
        client.force_login(learner)
        page = client.get(reverse("learner:progress")).content.decode()
    cells = re.findall(r'<a class="cell (\w+)" href="([^"]+)"', page)
    assert len(cells) == week_count()
    assert cells[:5] == [
        ("completed", "/my/weeks/1/"),
        ("catch_up", "/my/weeks/2/"),
        ("catch_up", "/my/weeks/3/"),
        ("this_week", "/my/weeks/4/"),
        ("upcoming", "/my/weeks/5/"),
    ]
    assert "To catch up (2)" in page
    assert "Completed (1)" in page


@pytest.mark.django_db
def test_the_quizzes_are_grouped_by_phase_and_only_the_current_phases_group_is_open(client, learner):
    """52 quiz rows, stacked as cards on a phone, made an 11,000 px page: one group per phase, in order,
    each quiz in its week's phase, the group of the current week's phase open (also on the page)."""
    make_quiz(week=1)
    make_quiz(week=25)
    enrolment = enrolled(learner, start=MONDAY)
    today = MONDAY + timedelta(weeks=24, days=2)  # week 25
    report = report_of(enrolment, today=today)
    phase_of = dict(Week.objects.values_list("number", "phase__number"))
    assert [group.number for group in report.quiz_groups] == sorted(
        {phase_of[line.summary.week_number] for line in report.quizzes}
    )
    assert sum(len(group.lines) for group in report.quiz_groups) == len(report.quizzes)
    for group in report.quiz_groups:
        assert {phase_of[line.summary.week_number] for line in group.lines} == {group.number}
    assert [group.number for group in report.quiz_groups if group.is_current] == [phase_of[25]]
    assert phase_of[25] != phase_of[1]

    with freeze_time(today):
        client.force_login(learner)
        page = client.get(reverse("learner:progress")).content.decode()
    opened = re.findall(
        r'<details class="phase-group quiz-group" data-quiz-phase="(\d+)" open data-current>', page
    )
    assert opened == [str(phase_of[25])]
    assert page.count('class="phase-group quiz-group"') == len(report.quiz_groups)


@pytest.mark.django_db
def test_behind_the_chart_shows_fewer_weeks_done_than_planned_and_a_later_finish(learner):
    enrolment = enrolled(learner, start=MONDAY)
    complete(enrolment, [1, 2], on=MONDAY + timedelta(days=6))
    complete(enrolment, [3], on=MONDAY + timedelta(days=20))
    today = MONDAY + timedelta(days=42)  # week 7: weeks 4-6 overdue
    report = report_of(enrolment, today=today)
    assert report.standing_words == "3 weeks to catch up"
    actual = next(s for s in report.chart.series if s.series.kind == "actual").series.points
    assert actual[-1] == (today, 3)
    plan = next(s for s in report.chart.series if s.series.kind == "plan").series.points
    assert sum(1 for day, count in plan if count > 0 and day <= today) == 6  # six weeks were due
    # 3 weeks in 42 days: 49 weeks left take 686 days
    assert report.forecast.basis == "pace"
    assert report.forecast.finish_on == today + timedelta(days=686)
    assert report.forecast.weeks_versus_plan > 0
    assert not report.events
    assert not report.pauses


@pytest.mark.django_db
def test_ahead_the_forecast_is_before_the_plans_last_day(learner):
    enrolment = enrolled(learner, start=MONDAY)
    complete(enrolment, [1, 2, 3, 4, 5, 6], on=MONDAY + timedelta(days=12))
    report = report_of(enrolment, today=MONDAY + timedelta(days=15))  # planned week 3
    assert report.standing_words == "3 weeks ahead of the plan"
    assert report.forecast.basis == "pace"
    assert report.forecast.weeks_versus_plan < 0
    assert report.legend[0].count == 6


@pytest.mark.django_db
def test_re_plans_and_pauses_are_marked_and_pauses_do_not_count_against_the_pace(learner):
    enrolment = enrolled(learner, start=MONDAY)
    complete(enrolment, [1, 2], on=MONDAY + timedelta(days=12))
    replanned_on = MONDAY + timedelta(days=28)
    with freeze_time(replanned_on):
        progress_services.schedule_replan(enrolment=enrolment, changed_by=learner)
    paused_on = MONDAY + timedelta(days=35)
    with freeze_time(paused_on):
        progress_services.enrolment_pause(enrolment=Enrolment.objects.get(pk=enrolment.pk))
    resumed_on = MONDAY + timedelta(days=49)
    with freeze_time(resumed_on):
        progress_services.enrolment_resume(
            enrolment=Enrolment.objects.get(pk=enrolment.pk), changed_by=learner
        )
    with freeze_time(MONDAY + timedelta(days=56)):
        progress_services.enrolment_pause(enrolment=Enrolment.objects.get(pk=enrolment.pk))
    today = MONDAY + timedelta(days=63)
    report = report_of(Enrolment.objects.get(pk=enrolment.pk), today=today)
    assert [(event.on, event.label) for event in report.events] == [
        (replanned_on, "Re-planned"),
        (resumed_on, "Resumed"),
    ]
    assert report.pauses == [Pause(paused_on, resumed_on), Pause(MONDAY + timedelta(days=56), today)]
    assert [span.span.label for span in report.chart.spans] == ["Paused", "Paused"]
    assert report.standing_words == "Paused: the plan waits until you resume"
    # 63 days, 21 of them paused: 2 weeks in 42 active days, 50 left → 1050 days
    assert report.forecast.finish_on == today + timedelta(days=1050)
    first = next(s for s in report.chart.series if s.series.kind == "plan").series.points
    current = next(s for s in report.chart.series if s.series.kind == "current-plan").series.points
    assert current[-1][0] > first[-1][0]  # the re-plan and the pause moved the last day later


def test_the_forecast_follows_the_plan_until_two_weeks_are_done_and_reports_a_finish():
    start = MONDAY
    plan_end = start + timedelta(weeks=52)
    early = finish_forecast(
        start=start,
        today=start + timedelta(days=30),
        completed_on=[start],
        total_weeks=52,
        plan_ends_on=plan_end,
    )
    assert (early.basis, early.finish_on) == ("plan", plan_end)
    done = [start + timedelta(days=n) for n in range(3)]
    finished = finish_forecast(
        start=start, today=start + timedelta(days=90), completed_on=done, total_weeks=3, plan_ends_on=plan_end
    )
    assert (finished.basis, finished.finish_on) == ("finished", start + timedelta(days=2))
    assert actual_points([start - timedelta(days=3)], start=start, today=start) == [
        (start, 0),
        (start, 1),
        (start, 1),
    ]


@pytest.mark.django_db
def test_who_may_open_a_learners_progress_page(client, learner, other_learner, mentor, other_mentor, staff):
    enrolment = enrolled(learner, start=MONDAY, mentor=mentor)
    enrolled(other_learner, start=MONDAY, mentor=other_mentor)
    url = reverse("learner:learner-progress", args=[enrolment.pk])
    assert client.get(url).status_code == 302  # log in first
    for user, status in [
        (learner, 200),
        (other_learner, 404),
        (mentor, 200),
        (other_mentor, 404),
        (staff, 200),
    ]:
        client.force_login(user)
        assert client.get(url).status_code == status, user
    client.force_login(mentor)
    page = client.get(url).content.decode()
    assert f'href="/mentoring/learners/{enrolment.pk}/#week-1"' in page  # the mentor's view of each week


@pytest.mark.django_db
def test_the_page_takes_the_same_few_queries_whatever_the_data(
    client, learner, mentor, django_assert_max_num_queries
):
    enrolment = enrolled(learner, start=MONDAY, mentor=mentor)
    client.force_login(learner)
    with freeze_time(MONDAY + timedelta(days=50)), CaptureQueriesContext(connection) as few:
        assert client.get(reverse("learner:progress")).status_code == 200
    complete(enrolment, range(1, 9), on=MONDAY + timedelta(days=40))
    for number in (1, 2, 3):
        quiz = make_quiz(week=number)
        with freeze_time(MONDAY + timedelta(days=41)):
            for _ in range(2):
                assessment_services.submission_create(learner=learner, quiz=quiz, answers=half_answers(quiz))
    with freeze_time(MONDAY + timedelta(days=42)):
        progress_services.schedule_replan(enrolment=enrolment, changed_by=learner)
    with freeze_time(MONDAY + timedelta(days=50)):
        with django_assert_max_num_queries(len(few)):
            assert client.get(reverse("learner:progress")).status_code == 200
        mentor_client = type(client)()
        mentor_client.force_login(mentor)
        with django_assert_max_num_queries(10):
            assert (
                mentor_client.get(reverse("learner:learner-progress", args=[enrolment.pk])).status_code == 200
            )
    assert len(few) <= 10


@pytest.mark.django_db
def test_every_project_shows_its_latest_status_and_rubric_total(client, learner, mentor):
    from tests.projects.conftest import review, submit

    enrolment = enrolled(learner, start=MONDAY, mentor=mentor)
    reviewed = submit(learner, week=21)
    review(mentor, reviewed, decision="changes_requested")
    submit(learner, week=22)  # waiting for review: no total yet
    with freeze_time(MONDAY + timedelta(days=3)):
        report = report_of(enrolment, today=MONDAY + timedelta(days=3))
        lines = {line.week_number: line for line in report.projects}
        client.force_login(learner)
        page = client.get(reverse("learner:progress")).content.decode()
    reviewed.refresh_from_db()
    assert {21, 22, 38, 51, 52} <= set(lines)
    assert (lines[21].status_label, lines[21].total_points) == (
        "Changes requested",
        reviewed.review.total_points,
    )
    assert (lines[22].status_label, lines[22].total_points) == ("Waiting for review", None)
    assert lines[38].status_label == "Not started"
    assert lines[22].signs_off_phase
    row = re.search(r'data-project-week="21">(.*?)</tr>', page, re.S)
    assert row
    assert f"{reviewed.review.total_points} points" in row.group(1)
    assert "Changes requested" in row.group(1)


@pytest.mark.django_db
def test_a_pace_change_is_marked_on_the_plan_chart_as_such(learner):
    from decimal import Decimal

    enrolment = enrolled(learner, start=MONDAY)
    with freeze_time(MONDAY + timedelta(days=10)):
        progress_services.enrolment_pace_change(enrolment=enrolment, pace=Decimal("0.5"), changed_by=learner)
    report = report_of(enrolment, today=MONDAY + timedelta(days=12))
    assert [marker.label for marker in report.events] == ["Pace changed"]
