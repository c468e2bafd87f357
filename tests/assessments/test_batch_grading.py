"""The grading task grades its submission with the other pending ones nobody else holds, in one transaction
(`autograding.pending_submissions_grade`): exactly once, in a constant number of statements, without waiting
on another task's batch, and without one faulty submission holding the others back."""

import logging
import random
import threading

import pytest
from django.db import connection

from assessments import autograding, records, services
from assessments.models import Answer, QuizRecord, Submission
from assessments.signals import submission_graded
from mentoring.models import MenteeFlags
from mentoring.services import mentee_flags_rebuild_all
from tests.assessments.conftest import enrol, half_answers, make_quiz, perfect_answers
from tests.database_sessions import other_session, sessions_waiting_on_locks, wait_until
from tests.factories import UserFactory


def pending(quiz, count: int, *, answers=half_answers) -> list[int]:
    """`count` pending submissions of `count` new learners (oldest first)."""
    return [
        services.submission_create(learner=UserFactory(), quiz=quiz, answers=answers(quiz)).pk
        for _ in range(count)
    ]


def statuses(ids: list[int]) -> dict[int, str]:
    return dict(Submission.objects.filter(pk__in=ids).values_list("pk", "status"))


def quiz_records() -> dict[int, dict]:
    """Every stored quiz record but the time of its refresh."""
    return {
        record.pop("learner_id"): record
        for record in QuizRecord.objects.values()
        if record.pop("refreshed_at")
    }


@pytest.mark.django_db
def test_a_task_grades_the_other_pending_submissions_with_its_own():
    quiz = make_quiz(week=3)
    own, *others = pending(quiz, 2, answers=perfect_answers) + pending(quiz, 2)

    graded = autograding.pending_submissions_grade(submission_id=own)

    assert graded[0] == own
    assert sorted(graded) == sorted([own, *others])
    scores = dict(Submission.objects.filter(pk__in=graded).values_list("pk", "score"))
    assert [scores[pk] for pk in [own, *others]] == [6, 6, 3, 3]
    assert set(statuses(graded).values()) == {Submission.Status.GRADED}
    assert not Answer.objects.filter(submission_id__in=graded, awarded_points__isnull=True).exists()
    # Each learner's stored quiz record is what a fresh computation gives.
    stored = quiz_records()
    assert sorted(QuizRecord.objects.values_list("last_status", flat=True)) == ["failed"] * 2 + ["passed"] * 2
    records.quiz_records_rebuild_all()
    assert quiz_records() == stored


@pytest.mark.django_db
def test_a_batch_takes_the_newest_others_up_to_the_limit_and_leaves_the_rest_pending():
    quiz = make_quiz(week=3)
    ids = pending(quiz, 5)

    graded = autograding.pending_submissions_grade(submission_id=ids[0], limit=3)

    # The newest: their tasks are the furthest back in the queue, so the next tasks find theirs free.
    assert graded == [ids[0], ids[4], ids[3]]
    assert statuses(ids[1:3]) == {ids[1]: "pending", ids[2]: "pending"}


@pytest.mark.django_db
def test_a_graded_or_deleted_submission_costs_one_query(django_assert_num_queries):
    quiz = make_quiz(week=3)
    [submission_id] = pending(quiz, 1)
    autograding.submission_grade(submission_id=submission_id)
    later = pending(quiz, 1)  # pending, but not this task's: left to its own task

    with django_assert_num_queries(1):
        assert autograding.pending_submissions_grade(submission_id=submission_id) == []
    with django_assert_num_queries(1):
        assert autograding.pending_submissions_grade(submission_id=999_999) == []
    assert statuses(later) == {later[0]: "pending"}


@pytest.mark.django_db
def test_a_batch_takes_the_same_number_of_statements_whatever_its_size():
    from django.test.utils import CaptureQueriesContext

    quiz = make_quiz(week=3)
    autograding.submission_grade(submission_id=pending(quiz, 1)[0])  # the answer key, now cached

    counts = []
    for size in (1, 2, 8):
        ids = pending(quiz, size)  # the same answers: one result, three answer grades
        with CaptureQueriesContext(connection) as queries:
            assert len(autograding.pending_submissions_grade(submission_id=ids[0])) == size
        # (not the savepoint the test's own transaction turns the task's transaction into)
        counts.append(sum("SAVEPOINT" not in query["sql"] for query in queries.captured_queries))
    assert counts[0] == counts[1] == counts[2], counts
    # the check, the two locks of submissions, the answers, three answer grades, the result, the lock of
    # the learners, their quiz records' read and upsert, mentoring's check of its stored flags, and which
    # of the graded submissions count (assessments.attempts)
    assert counts[0] == 13


@pytest.mark.django_db
def test_the_graded_signal_is_sent_once_for_each_submission_of_a_batch(django_capture_on_commit_callbacks):
    quiz = make_quiz(week=3)
    ids = pending(quiz, 3, answers=perfect_answers)
    sent: list[tuple[int, bool]] = []

    def received(sender, submission_id, answers_shown, **kwargs):
        sent.append((submission_id, answers_shown))

    submission_graded.connect(received, dispatch_uid="test-batch-signal")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            autograding.pending_submissions_grade(submission_id=ids[1])
    finally:
        submission_graded.disconnect(dispatch_uid="test-batch-signal")
    assert sorted(sent) == [(pk, True) for pk in ids]  # passed: the answers are shown


@pytest.fixture
def faulty_quiz(monkeypatch):
    """A quiz whose grading raises (as a bug in one quiz's answer key would)."""
    quiz = make_quiz(week=4)
    keys_of = autograding.question_keys_of

    def failing_for_it(*, quiz_id, **kwargs):
        if quiz_id == quiz.pk:
            raise RuntimeError("a broken answer key")
        return keys_of(quiz_id=quiz_id, **kwargs)

    monkeypatch.setattr(autograding, "question_keys_of", failing_for_it)
    return quiz


@pytest.mark.django_db
def test_a_faulty_submission_does_not_hold_back_the_others_of_its_batch(faulty_quiz, caplog):
    quiz = make_quiz(week=3)
    own, second = pending(quiz, 2)
    [faulty] = pending(faulty_quiz, 1)
    [last] = pending(quiz, 1)

    with caplog.at_level(logging.WARNING, logger="assessments.services"):
        graded = autograding.pending_submissions_grade(submission_id=own)

    assert sorted(graded) == sorted([own, second, last])
    assert statuses([faulty]) == {faulty: "pending"}  # for the sweep; nothing of it half-saved
    assert not Answer.objects.filter(submission_id=faulty, awarded_points__isnull=False).exists()
    assert f"Grading submission {faulty} failed; the sweep will retry it" in caplog.text
    assert "A batch of 4 gradings failed" in caplog.text


@pytest.mark.django_db
def test_when_its_own_submission_is_the_faulty_one_the_task_fails_after_grading_the_others(faulty_quiz):
    quiz = make_quiz(week=3)
    [faulty] = pending(faulty_quiz, 1)
    others = pending(quiz, 2)

    with pytest.raises(RuntimeError, match="a broken answer key"):  # the task's retry, then its failure
        autograding.pending_submissions_grade(submission_id=faulty)

    assert statuses([faulty, *others]) == {faulty: "pending", others[0]: "graded", others[1]: "graded"}


@pytest.mark.django_db(transaction=True)
def test_a_batch_skips_submissions_another_transaction_holds(pg):
    quiz = make_quiz(week=3)
    own, held, free = pending(quiz, 3)
    with other_session() as blocker:
        blocker.execute("SELECT id FROM assessments_submission WHERE id = %s FOR UPDATE", [held])

        graded = autograding.pending_submissions_grade(submission_id=own)  # returns: it did not wait

        assert graded == [own, free]
        blocker.rollback()
    assert statuses([held]) == {held: "pending"}  # its own task grades it


@pytest.mark.django_db(transaction=True)
def test_concurrent_tasks_grade_every_submission_exactly_once(pg):
    """Four workers' processes run the tasks of 40 submissions (some learners with two) in random orders
    and small batches: each submission is graded by exactly one of them, nobody deadlocks, and the
    stored quiz records and mentors' flags are what a fresh computation gives."""
    quizzes = [make_quiz(week=3), make_quiz(week=5)]
    learners = [UserFactory() for _ in range(30)]
    for learner in learners[::2]:
        enrol(learner)  # their mentors' stored flags follow their quiz records
    ids = [
        services.submission_create(learner=learner, quiz=quiz, answers=answers(quiz)).pk
        for n, learner in enumerate(learners)
        for quiz, answers in [(quizzes[0], half_answers), (quizzes[1], perfect_answers)][: 1 + (n % 3 == 0)]
    ]
    assert len(ids) == 40
    graded_by: list[list[int]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def worker(seed: int) -> None:
        order = random.Random(seed).sample(ids, len(ids))
        mine: list[int] = []
        try:
            start.wait()
            for submission_id in order:
                mine += autograding.pending_submissions_grade(submission_id=submission_id, limit=4)
        except BaseException as error:  # (reported below, with the others)
            errors.append(error)
        finally:
            graded_by.append(mine)
            connection.close()

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    everything = [pk for mine in graded_by for pk in mine]
    assert sorted(everything) == sorted(ids)  # each once
    assert set(statuses(ids).values()) == {Submission.Status.GRADED}
    stored = quiz_records()
    records.quiz_records_rebuild_all()
    assert quiz_records() == stored
    flags = mentee_flags()
    assert any(failed for failed, *_ in flags.values())  # (half_answers fail quiz 3)
    mentee_flags_rebuild_all()
    assert mentee_flags() == flags


def mentee_flags() -> dict[int, tuple]:
    return {
        row[0]: row[1:]
        for row in MenteeFlags.objects.values_list(
            "enrolment_id", "failed_quiz", "pending_review", "project_waiting", "count"
        )
    }


@pytest.mark.django_db(transaction=True)
def test_a_submit_while_the_learners_other_submission_is_graded_neither_deadlocks_nor_loses_a_change(pg):
    """The grading locks the learner, then (its failed quiz raising a mentor's flag) their enrolment; a
    submit locks the learner before touching the enrolment (its last activity), in the same order. With the
    submit's order reversed, this deadlocked: PostgreSQL aborted one of them."""
    learner = UserFactory()
    enrol(learner)
    quiz = make_quiz(week=3)
    first = services.submission_create(learner=learner, quiz=quiz, answers=half_answers(quiz)).pk
    second_quiz = make_quiz(week=5)
    errors: list[BaseException] = []

    def run(work) -> None:
        try:
            work()
        except BaseException as error:  # (asserted below)
            errors.append(error)
        finally:
            connection.close()

    grading = threading.Thread(
        target=run, args=(lambda: autograding.pending_submissions_grade(submission_id=first),)
    )
    submit = threading.Thread(
        target=run,
        args=(
            lambda: services.submission_create(
                learner=learner, quiz=second_quiz, answers=perfect_answers(second_quiz)
            ),
        ),
    )
    with other_session() as blocker:  # holds the learner (not against foreign-key checks)
        blocker.execute("SELECT id FROM accounts_user WHERE id = %s FOR NO KEY UPDATE", [learner.pk])
        grading.start()
        wait_until(lambda: sessions_waiting_on_locks() == 1, timeout=10, message="the grading never waited")
        submit.start()
        wait_until(lambda: sessions_waiting_on_locks() == 2, timeout=10, message="the submit never waited")
        blocker.rollback()
    grading.join(timeout=30)
    submit.join(timeout=30)

    assert errors == []
    assert Submission.objects.filter(learner=learner).count() == 2
    assert statuses([first]) == {first: "graded"}
    stored = quiz_records()
    assert stored[learner.pk]["quizzes_taken"] == 2  # the grading's refresh did not overwrite the submit's
    records.quiz_records_rebuild_all()
    assert quiz_records() == stored
