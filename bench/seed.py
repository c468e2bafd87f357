"""Seed a benchmark database: N learners (default 10,000) with realistic progress, quiz results and mentors.

    .venv/bin/python bench/seed.py             # 10,000 learners, 520,000 week-progress rows
    .venv/bin/python bench/seed.py -n 2000     # smaller

Uses its own database, `lms_bench` on 127.0.0.1:5432 (BENCH_DATABASE_URL to change it): created,
migrated, emptied and filled with COPY. Learners start on Mondays spread over the past year, are
behind by 0-4 weeks, have one progress row per curriculum week (completed / in progress / not started),
a graded submission on most completed weeks' quizzes, and belong to mentors of 500 learners each.
Then the stored rows the pages read are built as the services build them: each enrolment's standing
(`progress.standings.standings_rebuild_all`) and each learner's quiz record
(`assessments.services.quiz_records_rebuild_all`, which refreshes the mentee flags too), since COPY
goes past the services.
Also makes `bench-mentor-1` (500 mentees) and `bench-staff`, and prints the time taken.
"""

import argparse
import random
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from common import ROOT, copy_rows, ensure_database, use_bench_database

URL = use_bench_database("lms_bench")
MENTEES_PER_MENTOR = 500
SEED = 20261124


def seed(count: int) -> dict[str, int]:
    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection, transaction

    from accounts.models import User
    from assessments.models import Quiz, QuizRecord, Submission
    from assessments.records import quiz_records_rebuild_all
    from curriculum.models import Week
    from progress.models import Enrolment, Standing, WeekProgress
    from progress.standings import standings_rebuild_all

    call_command("migrate", verbosity=0)
    fixtures = [ROOT / "fixtures" / "curriculum.json", ROOT / "fixtures" / "starter_quizzes.json"]
    call_command("load_curriculum", *fixtures, verbosity=0)
    rng = random.Random(SEED)
    now = datetime.now(UTC)
    monday = date.today() - timedelta(days=date.today().weekday())
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE accounts_user, accounts_user_groups, progress_enrolment, progress_weekprogress, "
            "progress_schedulechange, progress_standing, assessments_submission, assessments_answer, "
            "assessments_quizrecord RESTART IDENTITY CASCADE"
        )
    mentors = max(1, count // MENTEES_PER_MENTOR)
    with transaction.atomic():
        copy_rows(
            User,
            (
                {"password": "!", "username": f"bench-learner-{n}", "email": f"learner{n}@bench.example",
                 "date_joined": now}
                for n in range(1, count + 1)
            ),
        )  # fmt: skip
        copy_rows(
            User,
            (
                {"password": "!", "username": f"bench-mentor-{m}", "email": f"mentor{m}@bench.example",
                 "date_joined": now}
                for m in range(1, mentors + 1)
            ),
        )  # fmt: skip
        User.objects.create(
            username="bench-staff", email="staff@bench.example", is_staff=True, is_superuser=True
        )
        group = Group.objects.get(name=User.MENTOR_GROUP)
        mentor_ids = list(
            User.objects.filter(username__startswith="bench-mentor-")
            .order_by("id")
            .values_list("id", flat=True)
        )
        group.user_set.add(*mentor_ids)

        learner_ids = list(
            User.objects.filter(username__startswith="bench-learner-")
            .order_by("id")
            .values_list("id", flat=True)
        )
        weeks = dict(Week.objects.values_list("number", "id"))
        quizzes = {
            quiz.week.number: quiz for quiz in Quiz.objects.filter(is_published=True).select_related("week")
        }
        plans = []
        for index, learner_id in enumerate(learner_ids):
            start = monday - timedelta(weeks=rng.randint(0, len(weeks) - 1))
            elapsed = (monday - start).days // 7 + 1  # the week they are in
            done = max(0, min(len(weeks), elapsed - 1 - rng.choice([0, 0, 0, 1, 1, 2, 3, 4])))
            plans.append(
                (learner_id, start, elapsed, done, mentor_ids[index // MENTEES_PER_MENTOR % mentors])
            )
        copy_rows(
            Enrolment,
            (
                {"learner_id": learner_id, "mentor_id": mentor_id, "start_date": start, "pace": Decimal(1),
                 "timezone": "UTC", "status": "active", "reminder_cadence": "weekly",
                 "calendar_token": f"bench-{learner_id}",
                 "last_activity_at": now - timedelta(days=rng.randint(0, 30)),
                 "created_at": now}
                for learner_id, start, _, _, mentor_id in plans
            ),
        )  # fmt: skip
        enrolment_of = dict(Enrolment.objects.values_list("learner_id", "id"))

        def progress_rows():  # type: ignore[no-untyped-def]
            for learner_id, start, elapsed, done, _ in plans:
                for number, week_id in weeks.items():
                    status = (
                        "completed"
                        if number <= done
                        else "in_progress"
                        if number == done + 1 <= elapsed
                        else "not_started"
                    )
                    began = datetime.combine(
                        start + timedelta(weeks=number - 1), datetime.min.time(), tzinfo=UTC
                    )
                    yield {
                        "enrolment_id": enrolment_of[learner_id], "week_id": week_id, "status": status,
                        "started_at": began if status != "not_started" else None,
                        "completed_at": began + timedelta(days=5) if status == "completed" else None,
                        "notes": "", "updated_at": now,
                    }  # fmt: skip

        copy_rows(WeekProgress, progress_rows())

        def submission_rows():  # type: ignore[no-untyped-def]
            for learner_id, start, _, done, _ in plans:
                for number in range(1, done + 1):
                    quiz = quizzes.get(number)
                    if quiz is None or rng.random() < 0.2:
                        continue
                    percent = Decimal(rng.choice([40, 60, 80, 80, 100, 100]))
                    at = datetime.combine(
                        start + timedelta(weeks=number - 1, days=5), datetime.min.time(), tzinfo=UTC
                    )
                    yield {
                        "learner_id": learner_id, "enrolment_id": enrolment_of[learner_id],
                        "quiz_id": quiz.pk, "attempt_number": 1, "status": "graded",
                        "submitted_at": at, "graded_at": at, "score": percent / 10, "max_score": Decimal(10),
                        "percent": percent, "passed": percent >= quiz.pass_mark_percent,
                    }  # fmt: skip

        copy_rows(Submission, submission_rows())
        # The planner needs the tables' statistics before the rebuilds read them: without, each batch
        # of 1,000 enrolments scanned every week-progress row (100,000 learners: 2,365 s, 23.6 ms a
        # standing, against 1.1 ms at 10,000; BENCHMARKS.md, "Rebuilds fanned out").
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        # COPY goes past the services: write the stored standings and quiz records they would have.
        copied = time.perf_counter()
        standings_rebuild_all()
        rebuilt_standings = time.perf_counter()
        quiz_records_rebuild_all()
        print(
            f"standings rebuilt in {rebuilt_standings - copied:.1f} s,",
            f"quiz records in {time.perf_counter() - rebuilt_standings:.1f} s",
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "learners": len(learner_ids),
        "mentors": mentors,
        "week_progress": WeekProgress.objects.count(),
        "submissions": Submission.objects.count(),
        "standings": Standing.objects.count(),
        "quiz_records": QuizRecord.objects.count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", "--learners", type=int, default=10_000)
    args = parser.parse_args()
    ensure_database(URL)
    started = time.perf_counter()
    counts = seed(args.learners)
    print(
        ", ".join(f"{value:,} {name}" for name, value in counts.items()),
        f"in {time.perf_counter() - started:.1f} s",
    )


if __name__ == "__main__":
    main()
