"""The week page (content first, neighbours, breadcrumb) and the schedule grouped by phase."""

import re
from datetime import date

import pytest
from django.urls import reverse
from freezegun import freeze_time

from progress.services import enrolment_create

START = date(2026, 11, 2)  # a Monday


@pytest.fixture
def enrolment(learner):
    with freeze_time(START):
        return enrolment_create(learner=learner, start_date=START)


@pytest.mark.django_db
def test_the_week_page_puts_the_learning_content_before_the_progress_form(client, learner, enrolment):
    client.force_login(learner)
    page = client.get(reverse("learner:week", args=[7])).content.decode()
    objectives, resources = page.index(">Learning objectives<"), page.index(">Resources<")
    form = page.index('id="my-progress"')
    assert objectives < resources < form


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "number", "previous", "following"),
    [("learner:week", 7, 6, 8), ("learner:week", 1, None, 2), ("curriculum:week-detail", 52, 51, None)],
)
def test_a_week_links_to_its_neighbours(client, learner, enrolment, name, number, previous, following):
    client.force_login(learner)
    page = client.get(reverse(name, args=[number])).content.decode()
    links = dict(re.findall(r'<a rel="(prev|next)" href="([^"]+)"', page))
    assert links.get("prev") == (reverse(name, args=[previous]) if previous else None)
    assert links.get("next") == (reverse(name, args=[following]) if following else None)


@pytest.mark.django_db
def test_the_breadcrumb_links_to_the_phase(client, learner, enrolment):
    page = client.get(reverse("curriculum:week-detail", args=[30])).content.decode()
    assert f'href="{reverse("curriculum:overview")}#phase-2">Phase 2:' in page
    client.force_login(learner)
    page = client.get(reverse("learner:week", args=[30])).content.decode()
    assert f'href="{reverse("learner:schedule")}#phase-2">Phase 2:' in page
    assert 'id="phase-2"' in client.get(reverse("learner:schedule")).content.decode()


@pytest.mark.django_db
def test_the_schedule_has_a_section_per_phase_only_the_current_one_marked(client, learner, enrolment):
    client.force_login(learner)
    with freeze_time("2026-11-18"):  # week 3, phase 1
        page = client.get(reverse("learner:schedule")).content.decode()
    sections = re.findall(
        r'<details class="phase-group" open( data-current)?>\s*<summary><h2 id="phase-(\d)">', page
    )
    assert sections == [(" data-current", "1"), ("", "2"), ("", "3")]
    assert '<a href="#week-3">Jump to this week (week 3)</a>' in page


@pytest.mark.django_db
def test_the_schedule_shows_each_weeks_quiz_result(client, learner, enrolment, celery_eager):
    from assessments.autograding import submission_grade
    from assessments.models import Quiz
    from assessments.services import submission_create

    quiz = Quiz.objects.get(week__number=1)
    wrong: dict[int, object] = {}
    for question in quiz.questions.prefetch_related("choices"):
        wrong_choice = next((c.pk for c in question.choices.all() if not c.is_correct), None)
        wrong[question.pk] = (
            [wrong_choice]
            if question.kind == "multiple"
            else wrong_choice
            if question.is_choice
            else "-99999"
        )
    submission = submission_create(learner=learner, quiz=quiz, answers=wrong)
    submission_grade(submission_id=submission.pk)
    client.force_login(learner)
    page = client.get(reverse("learner:schedule")).content.decode()
    row = re.search(r'<tr id="week-1".*?</tr>', page, re.S).group(0)
    assert re.search(
        r'data-label="Quiz"><span class="tag bad">Failed</span>\s*<span class="small">best 0%</span>', row
    )
    row = re.search(r'<tr id="week-2".*?</tr>', page, re.S).group(0)
    assert re.search(r'data-label="Quiz"><span class="tag ?">Not taken</span>', row)
