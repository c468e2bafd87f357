"""Draft → submit → changes requested → v2 → accepted; a submitted version is immutable; only the newest
version is reviewed; acceptance completes the week (stored standing) ; notices once each."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from notifications.models import Email, Notice
from progress.models import Standing, WeekProgress
from projects import services
from projects.models import Version
from tests.outbox import outbox_sent_here
from tests.projects.conftest import WEEK, project, review, scores, submit


def test_the_whole_loop_until_accepted(learner, mentor, enrolment):
    draft = services.draft_save(
        learner=learner,
        project=project(),
        repository_url="https://github.com/ada/bench",
        commit="",
        report="wip",
    )
    assert (draft.number, draft.status) == (1, "draft")
    again = services.draft_save(
        learner=learner, project=project(), repository_url="https://github.com/ada/bench", commit="v1.0",
        report="Line one\nLine two",
    )  # fmt: skip
    assert again.pk == draft.pk  # one draft, saved again
    v1 = services.version_submit(learner=learner, version_id=draft.pk)
    assert v1.status == "submitted"
    assert v1.submitted_at is not None

    first = review(mentor, v1, decision="changes_requested", level_index=1, points="min")
    v1.refresh_from_db()
    assert v1.status == "changes_requested"
    assert first.passed is False

    v2 = services.draft_save(
        learner=learner, project=project(), repository_url="https://github.com/ada/bench", commit="v1.1",
        report="Line one\nLine two, better",
    )  # fmt: skip
    assert v2.number == 2
    services.version_submit(learner=learner, version_id=v2.pk)
    second = review(mentor, v2, decision="accepted")
    assert second.passed is True
    assert Version.objects.get(pk=v2.pk).status == "accepted"
    # The project week counts as completed, and the stored standing says so.
    assert WeekProgress.objects.get(enrolment=enrolment, week__number=WEEK).status == "completed"
    assert Standing.objects.get(enrolment=enrolment).weeks_completed == 1
    with pytest.raises(ValidationError, match="accepted: there is nothing more"):
        services.draft_save(learner=learner, project=project(), repository_url="", commit="", report="")


def test_a_submitted_version_cannot_change(learner, mentor, enrolment):
    v1 = submit(learner)
    with pytest.raises(ValidationError, match="waiting for review"):
        services.draft_save(
            learner=learner,
            project=project(),
            repository_url="https://x.org/r",
            commit="abcdef1",
            report="new",
        )
    with pytest.raises(ValidationError, match="already submitted"):
        services.version_submit(learner=learner, version_id=v1.pk)
    v1.refresh_from_db()
    assert v1.report == "# Report\n\nResults."
    assert Version.objects.count() == 1


def test_submitting_needs_the_repository_commit_and_report(learner, enrolment):
    draft = services.draft_save(learner=learner, project=project(), repository_url="", commit="", report=" ")
    with pytest.raises(ValidationError) as caught:
        services.version_submit(learner=learner, version_id=draft.pk)
    assert set(caught.value.message_dict) == {"repository_url", "commit", "report"}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("repository_url", "http://github.com/ada/x", "https://"),
        ("repository_url", "javascript:alert(1)", "https://"),
        ("commit", "not a sha!", "commit SHA"),
        ("commit", "v1..2", "commit SHA"),
    ],
)
def test_malformed_repository_or_commit_is_refused(learner, enrolment, field, value, message):
    values = {"repository_url": "https://github.com/ada/x", "commit": "abc1234", "report": "r", field: value}
    with pytest.raises(ValidationError) as caught:
        services.draft_save(learner=learner, project=project(), **values)
    assert message in caught.value.message_dict[field][0]
    assert not Version.objects.exists()


def test_only_the_newest_submitted_version_is_reviewed_once(learner, mentor, enrolment):
    v1 = submit(learner)
    review(mentor, v1, decision="changes_requested")
    with pytest.raises(ValidationError, match=f"already reviewed by Unnamed user #{mentor.pk}:"):
        review(mentor, v1, decision="accepted")


def test_accepting_needs_the_pass_rule(learner, mentor, enrolment):
    v1 = submit(learner)
    with pytest.raises(ValidationError) as caught:
        review(mentor, v1, decision="accepted", level_index=0)  # every criterion at its lowest level
    assert "pass rule is not met" in caught.value.message_dict["decision"][0]
    assert Version.objects.get(pk=v1.pk).status == "submitted"


def test_every_criterion_scored_inside_its_level(learner, mentor, enrolment):
    v1 = submit(learner)
    target = scores(project())
    bad = [target[0].__class__(target[0].criterion_id, target[0].level_id, 99), *target[2:]]
    with pytest.raises(ValidationError) as caught:
        services.review_create(
            reviewer=mentor, version_id=v1.pk, decision="accepted", comment="x", scores=bad
        )
    messages = caught.value.message_dict["scores"]
    assert any("99 is outside" in message for message in messages)
    assert any(message.startswith("Score “") for message in messages)  # the missing criterion


def test_who_may_review(learner, other_learner, mentor, other_mentor, staff, enrolment):
    v1 = submit(learner)
    for outsider in (other_mentor, other_learner, learner):
        with pytest.raises(PermissionDenied):
            review(outsider, v1)
    assert review(staff, v1).reviewer == staff


def test_notices_go_once_each_through_the_outbox_even_when_retried(learner, mentor, enrolment, mailoutbox):
    with outbox_sent_here():
        v1 = submit(learner)
        services.version_submitted_notice(version=v1)  # a retry of the same notice
        done = review(mentor, v1, decision="changes_requested")
        services.review_notice(review=done)
    assert sorted(Email.objects.values_list("key", "recipient__username")) == [
        (f"project-reviewed:{done.pk}", "learner"),
        (f"project-submitted:{v1.pk}", "mentor"),
    ]
    assert sorted(message.to[0] for message in mailoutbox) == ["learner@example.com", "mentor@example.com"]
    [notice] = Notice.objects.filter(kind="project_reviewed")
    assert (notice.recipient, notice.key) == (learner, f"project-reviewed:{done.pk}")
    assert "Overall: fine." in notice.text
    assert Notice.objects.filter(kind="project_submitted", recipient=mentor).count() == 1


def test_a_report_too_long_is_refused(learner, enrolment):
    with pytest.raises(ValidationError, match="under 50,000 characters"):
        services.draft_save(
            learner=learner, project=project(), repository_url="", commit="", report="x" * 50_001
        )


def test_the_accepted_project_of_a_phase_for_certificates(learner, mentor, enrolment):
    from projects.selectors import accepted_project_for
    from tests.projects.conftest import accept_project

    phase_id = project(22).week.phase_id
    assert accepted_project_for(enrolment_id=enrolment.pk, phase_id=phase_id) is None
    accepted = accept_project(enrolment)
    found = accepted_project_for(enrolment_id=enrolment.pk, phase_id=phase_id)
    assert found == accepted
    assert found.review.decision == "accepted"
    v21 = submit(learner)  # week 21 is phase 1 too, but not its sign-off project
    review(mentor, v21, decision="accepted")
    assert accepted_project_for(enrolment_id=enrolment.pk, phase_id=phase_id) == accepted


def test_versions_and_reviews_are_audited(learner, mentor, enrolment):
    from auditlog.models import LogEntry

    version = submit(learner)
    done = review(mentor, version, decision="changes_requested")
    assert LogEntry.objects.get_for_object(version).exists()
    assert LogEntry.objects.get_for_object(done).exists()
