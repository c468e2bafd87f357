"""Benchmark: auto-graded quiz submissions per second through a real Celery worker on Redis.

    .venv/bin/python bench/grading.py                # rounds of 5,000 submissions, worker --concurrency=2
    .venv/bin/python bench/grading.py -n 500         # a smaller run while iterating
    .venv/bin/python bench/grading.py --concurrency 4
    .venv/bin/python bench/grading.py --rounds 1     # one round (default 5: the median of their ratios)

Needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 (`bash scripts/services.sh` starts them).
It uses its own database, `lms_bench_grading` (BENCH_DATABASE_URL to change it), which it creates,
migrates and loads with the curriculum and starter quizzes, and its own Redis database
(BENCH_BROKER_URL, default redis://127.0.0.1:6379/12), which it purges: it never touches the
development or test data.

What it does: starts `celery -A lms worker` as a subprocess, then runs rounds (5 by default). A round
seeds N pending submissions (fresh learners, random but valid answers to the starter quizzes, which are
all auto-graded), enqueues one `grade_submission` per submission, and times until every one of those
tasks, and what the gradings queued after them (review cards), is done: the broker's queue empty and a
ping per worker process answered. (It also prints when the database first showed all N graded: since a
task grades up to `GRADING_BATCH_LIMIT` pending submissions at once, that comes before the last tasks
have run.) Then it times N no-op tasks (`lms.ping`) in the same worker until all their results are in,
and prints both rates and their ratio. Grading includes refreshing the learner's stored quiz record
(`assessments.records.quiz_record_refresh`) in the same transaction. Last, it sends the last round's
N grading tasks again: each finds its submission graded with one query, the least a grading task does.
Rounds of 2,000 (the default until 2026-11-27) timed windows of 2-3 s, in which the no-op rate moved by a
third from one round to the next; rounds of 5,000 (6-7 s) stay within about a tenth. Hence 5,000 and
the median of five rounds' ratios.
Target (issue 16): graded submissions/s ≥ 70 % of the no-op task rate measured in the same run.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lms_bench_grading")
BENCH_BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/12")
os.environ.update(
    DATABASE_URL=BENCH_DB_URL,
    CELERY_BROKER_URL=BENCH_BROKER_URL,
    CELERY_RESULT_BACKEND=BENCH_BROKER_URL,
    DEBUG="false",  # DEBUG would keep every query in memory
    LOG_LEVEL=os.environ.get("LOG_LEVEL", "WARNING"),
)
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings")
SEED = 20261124


def ensure_database() -> None:
    import psycopg

    name = BENCH_DB_URL.rsplit("/", 1)[1]
    server = BENCH_DB_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def prepare() -> None:
    from django.core.management import call_command

    from assessments.models import Quiz

    call_command("migrate", verbosity=0)
    if not Quiz.objects.exists():
        fixtures = ROOT / "fixtures"
        call_command(
            "load_curriculum", fixtures / "curriculum.json", fixtures / "starter_quizzes.json", verbosity=0
        )


def random_answer(question, rng: random.Random) -> dict:  # type: ignore[no-untyped-def]
    choices = [choice.pk for choice in question.choices.all()]
    if question.kind == "multiple":
        return {"selected_choice_ids": sorted(rng.sample(choices, rng.randint(1, len(choices))))}
    if question.is_choice:
        return {"selected_choice_ids": [rng.choice(choices)]}
    if question.kind == "numeric":
        guess = question.numeric_answer + rng.choice([0, 0, 1, -2])
        return {"value": str(guess)}
    if question.kind == "short_text":
        return {"value": rng.choice([*question.accepted_answers, "no idea"])}
    return {"value": "An essay."}


def seed(count: int) -> list[int]:
    """N pending submissions of N new learners to auto-graded quizzes; returns their ids."""
    from django.db import transaction

    from accounts.models import User
    from assessments.models import Answer, Question, Submission
    from assessments.selectors import quizzes_published

    rng = random.Random(SEED)
    quizzes = [
        quiz
        for quiz in quizzes_published()
        if all(question.kind != Question.Kind.FREE_TEXT for question in quiz.questions.all())
    ]
    run = time.time_ns()  # unique per call: rounds seed again within the same second with a small -n
    with transaction.atomic():
        Submission.objects.filter(status=Submission.Status.PENDING).delete()  # left by an aborted run
        learners = User.objects.bulk_create(
            User(username=f"bench-{run}-{n}", email=f"bench-{run}-{n}@example.com", password="!")
            for n in range(count)
        )
        picked = [rng.choice(quizzes) for _ in learners]
        submissions = Submission.objects.bulk_create(
            Submission(learner=learner, quiz=quiz, attempt_number=1)
            for learner, quiz in zip(learners, picked, strict=True)
        )
        Answer.objects.bulk_create(
            (
                Answer(submission=submission, question=question, **random_answer(question, rng))
                for submission, quiz in zip(submissions, picked, strict=True)
                for question in quiz.questions.all()
            ),
            batch_size=5000,
        )
    return [submission.pk for submission in submissions]


def start_worker(concurrency: int, pool: str) -> subprocess.Popen:
    from lms.celery import app, ping

    app.control.purge()
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "lms", "worker", f"--concurrency={concurrency}",
         f"--pool={pool}", "--loglevel=WARNING", "--without-gossip", "--without-mingle",
         "--without-heartbeat"],
        cwd=ROOT,
        env=os.environ.copy(),
    )  # fmt: skip
    ping.delay().get(timeout=60)  # the worker is up and consuming
    return worker


def time_grading(ids: list[int], *, concurrency: int, timeout: float) -> float:
    """Seconds until every grading task and what the gradings queued is done."""
    from assessments.models import Submission
    from assessments.tasks import grade_submission

    start = time.perf_counter()
    for submission_id in ids:
        grade_submission.delay(submission_id)
    enqueued = time.perf_counter() - start
    # Only this run's submissions are pending in the bench database: an indexed, cheap poll.
    pending = Submission.objects.filter(status=Submission.Status.PENDING)
    while pending.exists():
        if time.perf_counter() - start > timeout:
            raise SystemExit(f"Timed out: {pending.count()} submissions still pending")
        time.sleep(0.01)
    all_graded = time.perf_counter() - start
    drain(concurrency=concurrency, timeout=timeout, what="once all were graded, the tasks left")
    elapsed = time.perf_counter() - start
    print(
        f"  enqueued {len(ids)} grading tasks in {enqueued:.2f} s; all graded after {all_graded:.2f} s;"
        f" every task done after {elapsed:.2f} s"
    )
    return elapsed


def drain(*, concurrency: int, timeout: float, what: str = "the queue") -> float:
    """Wait for the tasks queued so far to finish (grading tasks, and the review cards the gradings
    queued after their commits), so that the no-op tasks do not queue behind them: until the broker's
    queue is empty and a ping per worker process (prefetch 1) has come back. Returns the seconds it took.
    (Until 2026-11-27 the no-op tasks were timed behind up to N card tasks, which halved their rate.)"""
    import redis
    from celery.result import ResultSet

    from lms.celery import ping

    broker = redis.Redis.from_url(BENCH_BROKER_URL)
    start = time.perf_counter()
    while broker.llen("celery"):
        if time.perf_counter() - start > timeout:
            raise SystemExit("Timed out waiting for the queue to drain")
        time.sleep(0.01)
    ResultSet([ping.delay() for _ in range(concurrency)]).join(timeout=timeout)
    waited = time.perf_counter() - start
    print(f"  {what} drained in {waited:.2f} s")
    return waited


def time_pings(count: int, *, timeout: float) -> float:
    from celery.result import ResultSet

    from lms.celery import ping

    start = time.perf_counter()
    results = ResultSet([ping.delay() for _ in range(count)])
    results.join(timeout=timeout)
    elapsed = time.perf_counter() - start
    print(f"  {count} no-op tasks answered after {elapsed:.2f} s")
    return elapsed


def time_regrading(ids: list[int], *, concurrency: int, timeout: float) -> float:
    """The same grading tasks again, now that every submission is graded: each finds it graded with one
    query (no transaction) and returns: the least work a grading task does."""
    from assessments.tasks import grade_submission

    start = time.perf_counter()
    for submission_id in ids:
        grade_submission.delay(submission_id)
    drain(concurrency=concurrency, timeout=timeout)
    elapsed = time.perf_counter() - start
    print(f"  {len(ids)} grading tasks with nothing left to grade done after {elapsed:.2f} s")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", "--submissions", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--pool", default="prefork", help="prefork (default), solo, threads…")
    parser.add_argument("--rounds", type=int, default=5, help="each: N gradings, then N no-op tasks")
    args = parser.parse_args()

    ensure_database()
    import django

    django.setup()
    prepare()
    from django.db import connection

    connection.close()  # the worker's processes must not inherit this connection
    worker = start_worker(args.concurrency, args.pool)
    ratios = []
    try:
        print(f"Worker: celery -A lms worker --concurrency={args.concurrency} on {BENCH_BROKER_URL}")
        for round_number in range(1, args.rounds + 1):
            print(f"Round {round_number}: seeding {args.submissions} pending submissions…")
            ids = seed(args.submissions)
            ratios.append(time_round(ids, concurrency=args.concurrency, timeout=args.timeout))
        print("Last round's submissions, their grading tasks again:")
        regrading = time_regrading(ids, concurrency=args.concurrency, timeout=args.timeout)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    print(f"Grading tasks with nothing to grade: {len(ids) / regrading:,.0f} tasks/s")
    ratio = statistics.median(ratios)
    print(
        f"Ratio graded/no-op, median of {len(ratios)} rounds: {ratio:.0%} "
        f"({', '.join(f'{r:.0%}' for r in ratios)}; target: ≥ 70 %: {'met' if ratio >= 0.7 else 'not met'})"
    )


def time_round(ids: list[int], *, concurrency: int, timeout: float) -> float:
    """Grade these submissions, then as many no-op tasks; print both rates; return their ratio."""
    from assessments.models import Submission

    grading = time_grading(ids, concurrency=concurrency, timeout=timeout)
    pings = time_pings(len(ids), timeout=timeout)
    graded = Submission.objects.filter(pk__in=ids, status=Submission.Status.GRADED).count()
    grading_rate, ping_rate = len(ids) / grading, len(ids) / pings
    print(
        f"  graded {graded}/{len(ids)}: {grading_rate:,.0f} graded/s (every task done); "
        f"no-op (lms.ping): {ping_rate:,.0f} tasks/s; ratio {grading_rate / ping_rate:.0%}"
    )
    return grading_rate / ping_rate


if __name__ == "__main__":
    main()
