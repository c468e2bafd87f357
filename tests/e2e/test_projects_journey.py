"""A project in a real browser: the learner submits v1 with a file, the mentor requests changes with rubric
scores, the learner reads them and submits v2, the mentor sees the diff and accepts, and the phase can be
signed off. axe passes on every new page (project list and page, version, queue, mentor dashboard)."""

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from assessments.models import Quiz, Submission
from curriculum.models import Week
from mentoring.services import mentees_assign
from progress.services import enrolment_create, week_progress_set
from projects.models import Project, Version
from tests.e2e.test_journeys import DESKTOP, check, log_in, verified
from tests.factories import PASSWORD, MentorFactory, UserFactory

GATE_WEEK = 22


def phase_one_done_but_the_project(learner, mentor):
    """Weeks 1 to 21 completed and every phase 1 quiz passed: only the week 22 project stands in the way."""
    enrolment = enrolment_create(
        learner=learner, start_date=timezone.now().date() - timezone.timedelta(weeks=21)
    )
    mentees_assign(mentor=mentor, enrolment_ids=[enrolment.pk])
    for week in Week.objects.filter(phase__number=1, number__lt=GATE_WEEK):
        week_progress_set(enrolment=enrolment, week=week, status="completed")
    for quiz in Quiz.objects.filter(week__phase__number=1, is_published=True):
        Submission.objects.create(
            learner=learner, enrolment=enrolment, quiz=quiz, attempt_number=1,
            status=Submission.Status.GRADED, percent=Decimal(100), passed=True, graded_at=timezone.now(),
        )  # fmt: skip
    return enrolment


def score(page: Page, project: Project, *, level: int, points: str) -> None:
    """Every criterion at its `level`-th level (0: lowest) with `points` ("min" or "max")."""
    for criterion in project.criteria.all():
        chosen = list(criterion.levels.all())[level]
        page.locator(f"input[name=level_{criterion.pk}][value='{chosen.pk}']").check()
        value = chosen.min_points if points == "min" else chosen.max_points
        page.locator(f"#id_points_{criterion.pk}").fill(str(value))
        page.locator(f"#id_comment_{criterion.pk}").fill(f"On {criterion.title}: see my notes.")


@pytest.mark.django_db(transaction=True)
def test_a_project_from_v1_to_accepted_and_the_sign_off(
    page: Page, browser: Browser, live_server, curriculum_tx, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    base = live_server.url
    learner = verified(UserFactory(username="ada", email="ada@example.com"))
    mentor = verified(MentorFactory(username="mo", email="mo@example.com"))
    enrolment = phase_one_done_but_the_project(learner, mentor)
    project = Project.objects.get(week__number=GATE_WEEK)
    page.set_viewport_size(DESKTOP)

    # The learner: the brief, a draft with a file, then v1 submitted.
    log_in(page, base, learner.email, PASSWORD)
    page.goto(base + "/projects/")
    check(page, "projects-list")
    page.get_by_role("link", name=f"Week {GATE_WEEK}: {project.title}").click()
    expect(page.get_by_role("heading", name=project.title)).to_be_visible()
    page.get_by_label("Repository (https)").fill("https://github.com/ada/phase-one")
    page.get_by_label("Commit SHA or tag").fill("v1.0")
    page.get_by_label("Report").fill("# Phase 1 project\n\nFine-tuned a small classifier.\n\nAccuracy 0.81.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft of version 1 saved.")).to_be_visible()
    results = tmp_path / "results.csv"
    results.write_text("epoch,accuracy\n1,0.75\n2,0.81\n")
    page.get_by_label("Add a file").set_input_files(str(results))
    page.get_by_role("button", name="Attach").click()
    expect(page.get_by_text("“results.csv” attached to version 1.")).to_be_visible()
    check(page, "project-draft")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Version 1 submitted: your mentor is told.")).to_be_visible()
    check(page, "project-version-learner")

    # The mentor: the queue on the dashboard, then changes requested with rubric scores.
    mentor_context = browser.new_context(viewport=DESKTOP)
    mentor_page = mentor_context.new_page()
    log_in(mentor_page, base, mentor.email, PASSWORD)
    mentor_page.goto(base + "/mentoring/")
    expect(mentor_page.locator("td .tag", has_text="Project waiting for review")).to_be_visible()
    check(mentor_page, "mentor-dashboard-with-queue")
    mentor_page.goto(base + "/projects/queue/")
    check(mentor_page, "project-queue")
    mentor_page.get_by_role("link", name="Review version 1").click()
    expect(mentor_page.get_by_role("link", name="results.csv")).to_be_visible()
    check(mentor_page, "project-version-review-form")
    score(mentor_page, project, level=1, points="min")
    mentor_page.get_by_label("Overall comment").fill(
        "Good start: add the inference optimisation and its numbers."
    )
    mentor_page.get_by_label("Changes requested").check()
    mentor_page.get_by_role("button", name="Save the review").click()
    expect(mentor_page.get_by_text("Review saved: changes requested.")).to_be_visible()

    # The learner sees the scores beside v1 and submits v2.
    page.goto(base + f"/projects/weeks/{GATE_WEEK}/")
    expect(page.get_by_text("Good start: add the inference optimisation").first).to_be_visible()
    expect(page.get_by_text("Changes requested").first).to_be_visible()
    page.get_by_label("Report").fill(
        "# Phase 1 project\n\nFine-tuned a small classifier.\n\nAccuracy 0.81; INT8 inference 2.1x faster."
    )
    page.get_by_label("Commit SHA or tag").fill("v1.1")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Version 2 submitted: your mentor is told.")).to_be_visible()

    # The mentor sees the diff and the previous scores, and accepts.
    v2 = Version.objects.get(enrolment=enrolment, number=2)
    mentor_page.goto(base + f"/projects/versions/{v2.pk}/")
    expect(mentor_page.locator(".diff-add")).to_contain_text("INT8 inference 2.1x faster")
    expect(mentor_page.get_by_text("The previous version's scores are filled in.")).to_be_visible()
    check(mentor_page, "project-version-diff")
    score(mentor_page, project, level=-1, points="max")
    mentor_page.get_by_label("Overall comment").fill("Accepted: clear reasoning and a measured speed-up.")
    mentor_page.get_by_label("Accepted").check()
    mentor_page.get_by_role("button", name="Save the review").click()
    expect(mentor_page.get_by_text("Review saved: accepted.")).to_be_visible()

    # Phase 1 can be signed off now (week 22 is completed by the acceptance).
    mentor_page.goto(base + f"/mentoring/learners/{enrolment.pk}/")
    phase_one = mentor_page.locator("form", has=mentor_page.get_by_text("Review phase 1"))
    phase_one.get_by_label("Sign off").check()
    phase_one.get_by_role("button", name="Save review").click()
    expect(mentor_page.get_by_text("Phase 1 review saved.")).to_be_visible()
    mentor_context.close()

    page.goto(base + "/dashboard/")
    expect(page.get_by_text("Your project “Phase 1 end-to-end project” is accepted").first).to_be_visible()
