"""Review cards at scale: 200 cards per learner, the dashboard's due count and the review pages.

    .venv/bin/python bench/seed.py                    # once: 10,000 learners in `lms_bench`
    .venv/bin/python bench/cards.py                   # 200 cards each (2,000,000 rows, COPY), then measure
    .venv/bin/python bench/cards.py --per-learner 50 --learners 500 --duration 3 --rounds 1   # small
    .venv/bin/python bench/cards.py --no-seed         # measure again on the cards already there

Seeds `cards_card` (each learner's cards on distinct starter-quiz questions: a tenth due today, the rest
spread over the next 60 days; four in five reviewed before, with an FSRS state), a week of reviews (5 a
learner) and each learner's stored retention estimate, all with COPY (bench/common.py).

Then measures, in the same run (bench/http_bench.py's gunicorn, wrk and report):
- in-process: the dashboard's due-count query (`cards.selectors.due_summary_for`) for 200 learners,
  median and p95 in ms, and its plan (it must use the partial index `card_due`);
- over HTTP, as ratios of the logged-in floor (`/api/v1/me/`): the learner dashboard (with its count),
  the review page, the API's due cards, the stats, and the mentor table of 500 with its Review column,
  against the redesign issue's page targets.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

from common import copy_rows
from http_bench import CACHE_URL, FLOOR, ROOT, Target, browser_cookies, measure, report

SEED = 20261126
REVIEWS_PER_LEARNER = 5


def seed(*, per_learner: int, learners: int | None) -> int:
    from django.db import connection, transaction

    from accounts.models import User
    from assessments.models import Question
    from cards.models import Card, Review, ReviewProfile

    rng = random.Random(SEED)
    now = datetime.now(UTC)
    question_ids = list(Question.objects.order_by("id").values_list("id", flat=True))
    if len(question_ids) < per_learner:
        raise SystemExit(f"only {len(question_ids)} questions: ask for at most that many cards a learner")
    learner_ids = list(
        User.objects.filter(username__startswith="bench-learner-").order_by("id").values_list("id", flat=True)
    )[:learners]
    if not learner_ids:
        raise SystemExit("no learners: run bench/seed.py first")
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE cards_review, cards_card, cards_reviewprofile RESTART IDENTITY CASCADE")

    def cards():
        for learner_id in learner_ids:
            for question_id in rng.sample(question_ids, per_learner):
                reviewed = rng.random() < 0.8
                due = (
                    now - timedelta(hours=rng.uniform(0, 48))
                    if rng.random() < 0.1
                    else (now + timedelta(days=rng.uniform(1, 60)))
                )
                yield {
                    "learner_id": learner_id, "question_id": question_id, "origin": "missed",
                    "state": 2 if reviewed else 1, "step": None if reviewed else 0,
                    "stability": rng.uniform(1, 60) if reviewed else None,
                    "difficulty": rng.uniform(2, 8) if reviewed else None,
                    "due": due, "last_review": now - timedelta(days=rng.uniform(1, 30)) if reviewed else None,
                    "reviews_count": rng.randint(1, 6) if reviewed else 0,
                    "retired_at": None, "created_at": now,
                }  # fmt: skip

    started = time.perf_counter()
    with transaction.atomic():
        copy_rows(Card, cards())
        first_cards = dict(
            Card.objects.filter(learner_id__in=learner_ids)
            .order_by("learner_id", "id")
            .distinct("learner_id")
            .values_list("learner_id", "id")
        )
        copy_rows(
            Review,
            (
                {"card_id": first_cards[learner_id], "learner_id": learner_id, "rating": rng.randint(1, 4),
                 "reviewed_at": now - timedelta(days=rng.uniform(0, 7)), "due_before": now,
                 "due_after": now + timedelta(days=3), "state_after": 2,
                 "duration_ms": rng.randint(3000, 40000)}
                for learner_id in learner_ids
                for _ in range(REVIEWS_PER_LEARNER)
            ),
        )  # fmt: skip
        # The learner is the primary key (COPY by common.copy_rows leaves primary keys out).
        ReviewProfile.objects.bulk_create(
            (
                ReviewProfile(
                    learner_id=learner_id, retention_estimate=rng.uniform(0.6, 0.95), estimated_at=now
                )
                for learner_id in learner_ids
            ),
            batch_size=2000,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cards_card; ANALYZE cards_review; ANALYZE cards_reviewprofile")
    count = len(learner_ids) * per_learner
    print(
        f"seeded {count:,} cards for {len(learner_ids):,} learners in {time.perf_counter() - started:.1f} s"
    )
    return count


def due_count_timings(samples: int = 200) -> None:
    """The dashboard's due-count query alone, in-process: ms per call, and its plan."""
    from django.db import connection

    from accounts.models import User
    from cards.models import Card
    from cards.selectors import day_end_of, due_before, due_summary_for
    from progress.models import Enrolment

    enrolments = list(
        Enrolment.objects.select_related("learner")
        .filter(learner__username__startswith="bench-learner-", learner__review_cards__isnull=False)
        .distinct()
        .order_by("id")[:samples]
    )
    timings = []
    for enrolment in enrolments:
        before = day_end_of(enrolment)
        started = time.perf_counter()
        due_summary_for(learner=enrolment.learner, before=before)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    learner = User.objects.get(pk=enrolments[0].learner_id)
    query = (
        Card.objects.filter(due_before(day_end_of(enrolments[0])), learner=learner).order_by().values("id")
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) SELECT COUNT(*) FROM ({sql}) AS due", params)
        plan = "\n".join("    " + row[0] for row in cursor.fetchall())
    p95 = timings[int(len(timings) * 0.95) - 1] if len(timings) > 1 else timings[0]
    print(
        f"due count ({len(timings)} learners): median {statistics.median(timings):.2f} ms, p95 {p95:.2f} ms\n"
        f"  plan:\n{plan}\n"
    )


def targets(cookies: dict[str, str]) -> list[Target]:
    me, mentor = cookies["learner"], cookies["mentor"]
    return [
        Target("bare view (/ping)", "/ping", None),
        Target(FLOOR, "/api/v1/me/", me),
        Target("learner dashboard (with due count)", "/dashboard/", me, 0.33, 3),
        Target("review page (next due card)", "/review/", me, 0.33, 3),
        Target("API due cards", "/api/v1/me/cards/due/", me, 0.33, 3),
        Target("API card stats", "/api/v1/me/cards/stats/", me, 0.33, 3),
        Target("mentor dashboard (500, Review column)", "/mentoring/", mentor, 0.25),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--per-learner", type=int, default=200, help="cards a learner (at most 260)")
    parser.add_argument("--learners", type=int, default=None, help="only the first N seeded learners")
    parser.add_argument("--no-seed", action="store_true", help="measure the cards already seeded")
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk per target and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    cookies = browser_cookies()  # sets Django up
    if not args.no_seed:
        seed(per_learner=args.per_learner, learners=args.learners)
    due_count_timings()
    urls = targets(cookies)
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1", "CONN_MAX_AGE": "60", "CACHE_URL": CACHE_URL}
    import subprocess

    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    print(
        f"gunicorn {args.workers} sync workers, wrk -t1 -c{args.connections} -d{args.duration}s "
        f"x {args.rounds} rounds (medians), {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}\n"
    )
    met = report(urls, measure(urls, args, env))
    print(f"\nload {os.getloadavg()[0]:.1f}; every target met: {'yes' if met else 'no'}")


if __name__ == "__main__":
    main()
