"""Benchmark: code runs in the sandbox (exercises/sandbox.py), and Submit-to-first-result latency.

    .venv/bin/python bench/sandbox.py                 # 40 runs of each kind, 20 latency samples
    .venv/bin/python bench/sandbox.py -n 10 --samples 5

Needs bubblewrap, PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 (`bash scripts/services.sh`).
It uses its own database, `lms_bench_sandbox` (BENCH_DATABASE_URL), which it creates, migrates and loads
with the curriculum and the exercises, and its own Redis database (BENCH_BROKER_URL, default
redis://127.0.0.1:6379/9), which it purges: it never touches the development or test data.

What it measures, in one run (the machines are noisy: compare figures of the same run):
1. Sandboxed runs per second on one core: `sandbox.run` called back to back in this process, each a
   fresh bubblewrap sandbox and interpreter, for a trivial exercise (week 1, cosine similarity: the
   standard library) and a NumPy one (week 7, scaled dot-product attention: NumPy's import is most of
   it), the reference solution against the hidden tests. Also: an empty interpreter started plainly
   (`python -I -S -c pass`) as the floor that any per-run process pays.
2. Latency from "Submit" to the first result on an idle queue: `celery -A lms worker -Q sandbox
   --concurrency=1` as a subprocess; each sample posts a submission through the API (the page's "Submit"
   does the same request) and polls the run (as the page does, every 50 ms here) until its first test
   result is written, then until it is finished. Target (issue 39): under 2 s for a trivial exercise.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lms_bench_sandbox")
BENCH_BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/9")
os.environ.update(
    DATABASE_URL=BENCH_DB_URL,
    CELERY_BROKER_URL=BENCH_BROKER_URL,
    CELERY_RESULT_BACKEND=BENCH_BROKER_URL,
    DEBUG="false",
    SECURE_SSL_REDIRECT="false",
    ALLOWED_HOSTS="testserver",
    LOG_LEVEL=os.environ.get("LOG_LEVEL", "WARNING"),
)
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings")

TRIVIAL, NUMPY = 1, 7  # fixtures/exercises.json: cosine similarity (stdlib), attention (NumPy)


def prepare() -> None:
    from django.core.management import call_command

    from bench.common import ensure_database
    from exercises.models import Exercise

    ensure_database(BENCH_DB_URL)
    call_command("migrate", verbosity=0)
    if not Exercise.objects.exists():
        fixtures = ROOT / "fixtures"
        call_command(
            "load_curriculum", fixtures / "curriculum.json", fixtures / "exercises.json", verbosity=0
        )


def runs_per_second(exercise_id: int, count: int) -> tuple[float, list[float]]:
    from exercises import sandbox
    from exercises.execution import limits_of
    from exercises.models import Exercise

    exercise = Exercise.objects.get(pk=exercise_id)
    durations = []
    started = time.perf_counter()
    for _ in range(count):
        begun = time.perf_counter()
        result = sandbox.run(
            code=exercise.reference_solution, tests=exercise.hidden_tests, limits=limits_of(exercise),
            packages=list(exercise.packages),
        )  # fmt: skip
        durations.append(time.perf_counter() - begun)
        assert result.passed_count == len(result.tests), result
    return count / (time.perf_counter() - started), durations


def plain_interpreter_per_second(count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        subprocess.run([sys.executable, "-I", "-S", "-c", "pass"], check=True)
    return count / (time.perf_counter() - started)


def latency(samples: int) -> tuple[list[float], list[float]]:
    """Seconds from the Submit request to the first test result written, and to the run finished."""
    from django.test import Client

    from accounts.models import User
    from exercises.models import Exercise, Run
    from lms.celery import app

    app.control.purge()
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "lms", "worker", "-Q", "sandbox", "--concurrency=1",
         "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        exercise = Exercise.objects.get(pk=TRIVIAL)
        learner, _ = User.objects.get_or_create(
            username="bench-sandbox", defaults={"email": "bench-sandbox@example.com"}
        )
        Exercise.objects.filter(pk=TRIVIAL).update(max_attempts=10_000)
        client = Client()
        client.force_login(learner)
        first_results, finished = [], []
        for sample in range(samples + 1):  # the first one warms the worker up: not counted
            started = time.perf_counter()
            response = client.post(
                f"/api/v1/exercises/{exercise.pk}/runs/",
                {"kind": "submission", "code": exercise.reference_solution},
                content_type="application/json",
            )
            assert response.status_code == 201, response.content
            run_id = response.json()["id"]
            first = None
            while True:
                row = Run.objects.filter(pk=run_id).values("tests", "status").get()
                now = time.perf_counter()
                if first is None and row["tests"]:
                    first = now - started
                if row["status"] in ("done", "failed"):
                    break
                if now - started > (120 if sample == 0 else 30):
                    raise SystemExit(f"run {run_id} not finished: is the sandbox worker running?")
                time.sleep(0.05)
            if sample:
                first_results.append(first if first is not None else now - started)
                finished.append(now - started)
            time.sleep(0.3)  # an idle queue before each sample
        return first_results, finished
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", type=int, default=40, help="runs of each kind for the rate")
    parser.add_argument("--samples", type=int, default=20, help="latency samples")
    args = parser.parse_args()

    import django

    django.setup()
    prepare()
    floor = plain_interpreter_per_second(args.n)
    trivial, trivial_durations = runs_per_second(TRIVIAL, args.n)
    numpy, numpy_durations = runs_per_second(NUMPY, args.n)
    print(f"plain interpreter start (no sandbox): {floor:6.1f}/s on one core")
    for label, rate, durations in (
        ("trivial", trivial, trivial_durations),
        ("NumPy", numpy, numpy_durations),
    ):
        print(
            f"sandboxed {label:8} runs: {rate:6.1f}/s on one core ({rate / floor:.0%} of the plain start), "
            f"median {statistics.median(durations) * 1000:.0f} ms, max {max(durations) * 1000:.0f} ms"
        )
    first, done = latency(args.samples)
    quantile = statistics.quantiles(first, n=10)[-1] if len(first) >= 2 else first[0]
    print(
        f"Submit → first result (trivial, idle queue, {len(first)} samples): "
        f"median {statistics.median(first):.2f} s, p90 {quantile:.2f} s, max {max(first):.2f} s; "
        f"→ finished: median {statistics.median(done):.2f} s"
    )
    print("target: under 2 s to the first result —", "met" if statistics.median(first) < 2 else "NOT met")


if __name__ == "__main__":
    main()
