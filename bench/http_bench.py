"""HTTP benchmark: pages under gunicorn with production settings, as ratios of a bare view, in one run.

    .venv/bin/python bench/seed.py            # once: 10,000 learners in the `lms_bench` database
    .venv/bin/python bench/http_bench.py       # then: 3 rounds of 5 s of wrk per page (`apt-get install wrk`)
    .venv/bin/python bench/http_bench.py --duration 5 --rounds 3 --connections 8 --workers 2

It starts gunicorn (sync workers, DEBUG off, persistent connections, Redis as the shared cache as in
production) on a free loopback port, logs in a seeded learner and a mentor of 500 learners by
creating their sessions, and measures each URL with wrk from a separate process: requests/s and
p50/p95 latency, in rounds over all the URLs (medians). Every figure is printed beside the bare view's
("ok" without the database), which is the ceiling on this machine. Logged-in requests send the cookies
a browser holds after its first page: session, CSRF and the user hint (lms.prefetch).

Two passes in the same run, each with its own server and its own bare-view figure: pages cached
(lms.page_cache, the production default: a repeated visit of unchanged data) and not cached
(PAGE_CACHE_SECONDS=0: what every first visit after a change costs).
"""

import argparse
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, use_bench_database

URL = use_bench_database("lms_bench")
CACHE_URL = os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/11")  # the benchmark's own
LUA = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH rps=%.1f p50=%d p95=%d errors=%d\\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(95),
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout))
end
"""


def browser_cookies() -> dict[str, str]:
    """Cookies for a seeded learner (mid-way, with progress) and the first mentor (500 mentees)."""
    import django

    django.setup()
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.core.cache import cache

    from accounts.models import User

    cache.clear()  # the seed wrote with COPY: no page or session from an earlier seed may survive
    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore

    cookies = {}
    learner = User.objects.filter(username__startswith="bench-learner-").order_by("id")[100]
    mentor = User.objects.get(username="bench-mentor-1")
    for role, user in [("learner", learner), ("mentor", mentor)]:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        # What a browser sends back after its first page: the session and the CSRF cookie (without it,
        # every response would mint a new CSRF secret and set the cookie again).
        cookies[role] = f"sessionid={store.session_key}; csrftoken={secrets.token_hex(16)}"
    return cookies


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wrk(url: str, *, cookie: str | None, duration: int, connections: int, script: str) -> dict[str, float]:
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{duration}s",
        "-s",
        script,
        "-H",
        "X-Forwarded-Proto: https",
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    match = re.search(r"BENCH rps=([\d.]+) p50=(\d+) p95=(\d+) errors=(\d+)", output)
    if not match:
        raise SystemExit(f"wrk printed no figures for {url}:\n{output}")
    rps, p50, p95, errors = match.groups()
    return {"rps": float(rps), "p50_ms": int(p50) / 1000, "p95_ms": int(p95) / 1000, "errors": int(errors)}


def measure(targets: list[tuple[str, str, str | None]], args: argparse.Namespace, env: dict[str, str]):
    """Start gunicorn with `env`, run wrk on every target in rounds, stop gunicorn."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "lms.wsgi:application", "-w", str(args.workers),
         "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        base = f"http://127.0.0.1:{port}"
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(LUA)
        for _label, path, cookie in targets:
            warm_up = ["curl", "-s", "-o", "/dev/null", "-H", "X-Forwarded-Proto: https"]
            if cookie:
                warm_up += ["-H", f"Cookie: {cookie}"]
            subprocess.run([*warm_up, base + path], check=False)
        # Rounds over all targets, not one target after the other: the machine's speed drifts (other
        # work, CPU frequency), and a bare view measured only at the start would carry that drift
        # into every ratio. Each figure is the median of its rounds.
        runs: dict[str, list[dict[str, float]]] = {label: [] for label, _, _ in targets}
        for _ in range(args.rounds):
            for label, path, cookie in targets:
                runs[label].append(
                    wrk(
                        base + path,
                        cookie=cookie,
                        duration=args.duration,
                        connections=args.connections,
                        script=script.name,
                    )
                )
        results = {
            label: {
                "rps": statistics.median(run["rps"] for run in label_runs),
                "p50_ms": statistics.median(run["p50_ms"] for run in label_runs),
                "p95_ms": statistics.median(run["p95_ms"] for run in label_runs),
                "errors": sum(run["errors"] for run in label_runs),
            }
            for label, label_runs in runs.items()
        }
        Path(script.name).unlink()
    finally:
        server.terminate()
        server.wait(timeout=20)
    return results


def report(title: str, results: dict[str, dict[str, float]]) -> None:
    bare = results["bare view (ok)"]
    print(f"\n{title}")
    print(f"{'page':<24}{'req/s':>9}{'of bare':>9}{'p50 ms':>9}{'p95 ms':>9}{'p95/bare':>10}{'errors':>8}")
    for label, figures in results.items():
        print(
            f"{label:<24}{figures['rps']:>9.0f}{figures['rps'] / bare['rps']:>8.0%} {figures['p50_ms']:>8.1f}"
            f"{figures['p95_ms']:>9.1f}{figures['p95_ms'] / bare['p95_ms']:>10.1f}{figures['errors']:>8}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk per target and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--passes", choices=["cached", "uncached", "both"], default="both")
    args = parser.parse_args()

    cookies = browser_cookies()
    from progress.models import Enrolment

    mentee = Enrolment.objects.filter(mentor__username="bench-mentor-1").order_by("id").first()
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1", "CONN_MAX_AGE": "60", "CACHE_URL": CACHE_URL}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    targets = [
        ("bare view (ok)", "/ping", None),
        # The same with a learner's session: what loading any logged-in user costs (session, user row).
        ("bare view, logged in", "/ping", cookies["learner"]),
        ("learner dashboard", "/dashboard/", cookies["learner"]),
        ("learner schedule", "/schedule/", cookies["learner"]),
        ("quiz page", "/quizzes/week/5/", cookies["learner"]),
        ("API schedule", "/api/v1/me/schedule/", cookies["learner"]),
        ("mentor dashboard (500)", "/mentoring/", cookies["mentor"]),
        ("mentor: a learner", f"/mentoring/learners/{mentee.pk}/", cookies["mentor"]),
    ]
    print(
        f"gunicorn {args.workers} sync workers, wrk -t1 -c{args.connections} -d{args.duration}s "
        f"x {args.rounds} rounds (medians), "
        f"{os.cpu_count()} cores, cache {CACHE_URL}"
    )
    if args.passes in ("cached", "both"):
        report(
            "Pages cached (production default)",
            measure(targets, args, {**env, "PAGE_CACHE_SECONDS": "86400"}),
        )
    if args.passes in ("uncached", "both"):
        report(
            "Pages not cached (PAGE_CACHE_SECONDS=0)",
            measure(targets, args, {**env, "PAGE_CACHE_SECONDS": "0"}),
        )


if __name__ == "__main__":
    main()
