"""HTTP benchmark: every page under gunicorn with production settings, as ratios of the logged-in floor.

    .venv/bin/python bench/seed.py            # once: 10,000 learners in the `lms_bench` database
    .venv/bin/python bench/http_bench.py       # then: 3 rounds of 5 s of wrk per URL (`apt-get install wrk`)
    .venv/bin/python bench/http_bench.py --duration 5 --rounds 3 --connections 8 --workers 2

It starts gunicorn (sync workers, DEBUG off, persistent database connections, Django's Redis cache
for sessions as in production; no page is cached) on a free loopback port, logs in a seeded learner
and a mentor of 500 learners by creating their sessions, and measures each URL with wrk from a
separate process: requests/s and p50/p95 latency, in rounds over all the URLs (medians of the rounds).

Every figure is printed as a ratio of the logged-in floor measured in the same run: `/api/v1/me/`,
a view that loads only the session and the user — what any logged-in page costs before its own work.
The bare view (`/ping`: no session, no database) is printed too, as the machine's ceiling.
Logged-in requests send what a browser holds after its first page: the session and the CSRF cookie.
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
from dataclasses import dataclass
from pathlib import Path

from common import ROOT, use_bench_database

URL = use_bench_database("lms_bench")
CACHE_URL = os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/5")  # the benchmark's own
FLOOR = "logged-in floor (/api/v1/me/)"
LUA = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH rps=%.1f p50=%d p95=%d errors=%d\\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(95),
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout))
end
"""


@dataclass(frozen=True)
class Target:
    label: str
    path: str
    cookie: str | None
    throughput: float | None = None
    """The target: at least this share of the floor's requests/s (None: measured, no target)."""
    p95: float | None = None
    """The target: a p95 latency at most this many times the floor's."""


def browser_cookies() -> dict[str, str]:
    """Cookies for a seeded learner (mid-way, with progress) and the first mentor (500 mentees)."""
    import django

    django.setup()
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.core.cache import cache

    from accounts.models import User

    cache.clear()  # the seed wrote with COPY: no session from an earlier seed may survive
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


def targets(cookies: dict[str, str]) -> list[Target]:
    """The URLs measured: the learner's pages at their current week, the mentor's table and one mentee."""
    from accounts.models import User
    from progress.models import Enrolment, Standing

    learner = User.objects.filter(username__startswith="bench-learner-").order_by("id")[100]
    week = Standing.objects.get(enrolment__learner=learner).current_week or 1
    mentee = Enrolment.objects.filter(mentor__username="bench-mentor-1").order_by("id").first()
    assert mentee is not None, "run bench/seed.py first"
    me, mentor = cookies["learner"], cookies["mentor"]
    return [
        Target("bare view (/ping)", "/ping", None),
        Target(FLOOR, "/api/v1/me/", me),
        Target("learner dashboard", "/dashboard/", me, 0.33, 3),
        Target("schedule", "/schedule/", me, 0.25),
        Target(f"week page (week {week})", f"/my/weeks/{week}/", me, 0.33, 3),
        Target(f"quiz page (week {week})", f"/quizzes/week/{week}/", me, 0.33, 3),
        Target("API schedule", "/api/v1/me/schedule/", me, 0.33, 3),
        Target("mentor dashboard (500)", "/mentoring/", mentor, 0.25),
        Target("  sorted by weeks behind", "/mentoring/?sort=-weeks_behind", mentor, 0.25),
        Target("  filtered to behind", "/mentoring/?flag=behind", mentor, 0.25),
        Target("mentor: one learner", f"/mentoring/learners/{mentee.pk}/", mentor, 0.15),
        # Not in issue 16's targets (it came later): the charts the dashboard fetches (as a page).
        Target("mentor workspace (charts)", "/mentoring/workspace/", mentor),
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wrk(url: str, *, cookie: str | None, duration: int, connections: int, script: str) -> dict[str, float]:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "-s", script]
    command += ["-H", "X-Forwarded-Proto: https"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    match = re.search(r"BENCH rps=([\d.]+) p50=(\d+) p95=(\d+) errors=(\d+)", output)
    if not match:
        raise SystemExit(f"wrk printed no figures for {url}:\n{output}")
    rps, p50, p95, errors = match.groups()
    return {"rps": float(rps), "p50_ms": int(p50) / 1000, "p95_ms": int(p95) / 1000, "errors": int(errors)}


def check(base: str, target: Target) -> None:
    """One request first: a page that fails or redirects would be measured as a fast error."""
    command = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "X-Forwarded-Proto: https"]
    if target.cookie:
        command += ["-H", f"Cookie: {target.cookie}"]
    status = subprocess.run([*command, base + target.path], capture_output=True, text=True).stdout
    if status != "200":
        raise SystemExit(f"{target.path} answered {status or 'nothing'}, not 200")


def measure(urls: list[Target], args: argparse.Namespace, env: dict[str, str]) -> dict[str, dict[str, float]]:
    """Start gunicorn with `env`, run wrk on every target in rounds, stop gunicorn; medians per target."""
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
        for target in urls:
            for _ in range(args.workers):  # each worker's connection, templates and imports warm
                check(base, target)
        # Rounds over all targets, not one target after the other: the machine's speed drifts (other
        # work, CPU frequency), and a floor measured only at the start would carry that drift into
        # every ratio. Each figure is the median of its rounds.
        runs: dict[str, list[dict[str, float]]] = {target.label: [] for target in urls}
        for _ in range(args.rounds):
            for target in urls:
                runs[target.label].append(
                    wrk(
                        base + target.path,
                        cookie=target.cookie,
                        duration=args.duration,
                        connections=args.connections,
                        script=script.name,
                    )
                )
        Path(script.name).unlink()
    finally:
        server.terminate()
        server.wait(timeout=20)
    return {
        label: {
            "rps": statistics.median(run["rps"] for run in label_runs),
            "p50_ms": statistics.median(run["p50_ms"] for run in label_runs),
            "p95_ms": statistics.median(run["p95_ms"] for run in label_runs),
            "errors": sum(run["errors"] for run in label_runs),
        }
        for label, label_runs in runs.items()
    }


def report(urls: list[Target], results: dict[str, dict[str, float]]) -> bool:
    """Print the table (Markdown, as BENCHMARKS.md holds it); True when every target is met."""
    floor = results[FLOOR]
    print("| page | req/s | of floor | p50 ms | p95 ms | p95 / floor | target | met |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |")
    all_met = True
    for target in urls:
        figures = results[target.label]
        share, slower = figures["rps"] / floor["rps"], figures["p95_ms"] / floor["p95_ms"]
        goal, met = "", ""
        if target.throughput is not None:
            goal = f"≥ {target.throughput:.0%}" + (f", p95 ≤ {target.p95}×" if target.p95 else "")
            ok = share >= target.throughput and (target.p95 is None or slower <= target.p95)
            met, all_met = ("yes" if ok else "**no**"), all_met and ok
        errors = f" ({figures['errors']:.0f} errors)" if figures["errors"] else ""
        print(
            f"| {target.label.strip()}{errors} | {figures['rps']:,.0f} | {share:.0%} "
            f"| {figures['p50_ms']:.1f} | {figures['p95_ms']:.1f} | {slower:.1f} | {goal} | {met} |"
        )
    return all_met


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk per target and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        help="pages labelled with this (repeatable; the floor stays)",
    )
    parser.add_argument(
        "--no-migrate",
        action="store_true",
        help="leave the database as it is (another's seeded database, only read: BENCH_DATABASE_URL)",
    )
    args = parser.parse_args()

    if not args.no_migrate:
        # The seeded database may predate a migration (a new column the pages read): bring it up to date.
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, check=True)
    urls = targets(browser_cookies())
    if args.only:  # an A/B run of a few pages: shorter, and the ratio to the floor is still of one run
        urls = [t for t in urls if t.label == FLOOR or any(part in t.label for part in args.only)]
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1", "CONN_MAX_AGE": "60", "CACHE_URL": CACHE_URL}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    print(
        f"gunicorn {args.workers} sync workers, wrk -t1 -c{args.connections} -d{args.duration}s "
        f"x {args.rounds} rounds (medians), {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}, "
        f"cache {CACHE_URL}, no page cached\n"
    )
    results = measure(urls, args, env)
    met = report(urls, results)
    print(f"\nload {os.getloadavg()[0]:.1f}; every target met: {'yes' if met else 'no'}")


if __name__ == "__main__":
    main()
