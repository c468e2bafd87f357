"""Real threads on PostgreSQL: two submits of one draft make one version; two reviews at once decide once."""

import threading

import pytest
from django.db import connection

from projects import services
from projects.models import Review, Version
from tests.factories import MentorFactory, StaffFactory, UserFactory
from tests.projects.conftest import enrol_with, project, scores, submit


def run_together(*calls):
    """Start every call at the same moment in its own thread (own connection); their results or errors."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = []

    def run(call) -> None:
        try:
            barrier.wait()
            results.append(call())
        except Exception as error:  # collected and asserted on
            results.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_make_one_version(pg):
    learner = UserFactory()
    enrol_with(learner, MentorFactory())
    draft = services.draft_save(
        learner=learner,
        project=project(),
        repository_url="https://github.com/a/b",
        commit="abc1234",
        report="r",
    )
    results = run_together(*[lambda: services.version_submit(learner=learner, version_id=draft.pk)] * 4)
    assert sum(isinstance(result, Version) for result in results) == 1
    assert all("already submitted" in str(result) for result in results if not isinstance(result, Version))
    assert list(Version.objects.values_list("number", "status")) == [(1, "submitted")]


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_drafts_make_one_draft(pg):
    learner = UserFactory()
    enrol_with(learner)

    def save():
        return services.draft_save(
            learner=learner, project=project(), repository_url="https://github.com/a/b", commit="", report="r"
        )

    results = run_together(save, save, save)
    assert all(isinstance(result, Version) for result in results)
    assert Version.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_reviews_decide_once(pg):
    learner, mentor, staff = UserFactory(), MentorFactory(), StaffFactory()
    enrol_with(learner, mentor)
    version = submit(learner)
    target = scores(project())

    def decide(reviewer, decision):
        return lambda: services.review_create(
            reviewer=reviewer, version_id=version.pk, decision=decision, comment="c", scores=target
        )

    results = run_together(decide(mentor, "accepted"), decide(staff, "changes_requested"))
    reviews = [result for result in results if isinstance(result, Review)]
    refused = [result for result in results if not isinstance(result, Review)]
    assert len(reviews) == 1
    assert len(refused) == 1
    assert "was already reviewed by" in str(refused[0])
    assert Review.objects.count() == 1
    assert Version.objects.get().status == reviews[0].decision
