"""Profile pages in-process: Django's test client against the benchmark database, no server.

    .venv/bin/python bench/profile_pages.py                  # ms per request and queries of every page
    .venv/bin/python bench/profile_pages.py /dashboard/ -p   # and a cProfile of that page (top 30)

Uses the `lms_bench` database seeded by bench/seed.py and the same learner and mentor as
bench/http_bench.py. Figures are CPU-bound wall times of one process: compare pages with each other
and with the logged-in floor (`/api/v1/me/`), not with the HTTP benchmark's.
"""

import argparse
import cProfile
import os
import pstats
import time

from common import use_bench_database

URL = use_bench_database("lms_bench")
os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/5")
os.environ["SECURE_SSL_REDIRECT"] = "false"
os.environ["ALLOWED_HOSTS"] = "testserver"


def count_queries(connection, client, path: str) -> int:  # type: ignore[no-untyped-def]
    """Queries of one request (counted by a wrapper: each request's start empties connection.queries)."""
    queries: list[str] = []

    def counting(execute, sql, *rest):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, *rest)

    with connection.execute_wrapper(counting):
        client.get(path)
    return len(queries)


def print_query_times(connection, client, path: str, *, rounds: int) -> None:  # type: ignore[no-untyped-def]
    """Each query of the request with its median time over `rounds` requests (where a page's wall time
    exceeds its CPU time, this shows which query waits)."""
    times: dict[int, list[float]] = {}
    texts: dict[int, str] = {}
    for _ in range(rounds):
        position = 0

        def timing(execute, sql, *rest):  # type: ignore[no-untyped-def]
            nonlocal position
            began = time.perf_counter()
            try:
                return execute(sql, *rest)
            finally:
                times.setdefault(position, []).append(time.perf_counter() - began)
                texts[position] = sql
                position += 1

        with connection.execute_wrapper(timing):
            client.get(path)
    for position, samples in sorted(times.items()):
        median = sorted(samples)[len(samples) // 2]
        print(f"    {median * 1000:6.2f} ms  {' '.join(texts[position].split())[:150]}")


def print_template_times(client, path: str, *, rounds: int, page_ms: float) -> None:  # type: ignore[no-untyped-def]
    """The time a request spends rendering its page (the response's template, Django's engine with the
    Jinja2 parts in it) and, of that, in Jinja2 templates (every `{% jinja %}` part), medians of `rounds`."""
    from django.template.backends.django import Template as DjangoTemplate
    from jinja2 import Template as JinjaTemplate

    spent = {"page": 0.0, "jinja": 0.0}
    depth = {"page": 0, "jinja": 0}

    def timed(kind: str, render):  # type: ignore[no-untyped-def]
        def measured(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            depth[kind] += 1
            began = time.perf_counter()
            try:
                return render(self, *args, **kwargs)
            finally:
                depth[kind] -= 1
                if depth[kind] == 0:  # (a template rendered inside another is counted once)
                    spent[kind] += time.perf_counter() - began

        return measured

    django_render, jinja_render = DjangoTemplate.render, JinjaTemplate.render
    DjangoTemplate.render = timed("page", django_render)  # type: ignore[method-assign]
    JinjaTemplate.render = timed("jinja", jinja_render)  # type: ignore[method-assign]
    samples: list[tuple[float, float]] = []
    try:
        for _ in range(rounds):
            spent.update(page=0.0, jinja=0.0)
            client.get(path)
            samples.append((spent["page"], spent["jinja"]))
    finally:
        DjangoTemplate.render, JinjaTemplate.render = django_render, jinja_render  # type: ignore[method-assign]
    page = sorted(sample[0] for sample in samples)[len(samples) // 2] * 1000
    jinja = sorted(sample[1] for sample in samples)[len(samples) // 2] * 1000
    print(f"    templates {page:6.2f} ms (of {page_ms:.1f} ms), of which Jinja2 {jinja:6.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "paths", nargs="*", help="URLs to measure (default: every page of the HTTP benchmark)"
    )
    parser.add_argument("-n", type=int, default=30, help="requests per URL")
    parser.add_argument("-p", "--profile", action="store_true", help="print a cProfile of each URL")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("-q", "--queries", action="store_true", help="print each query's time (median of -n)")
    parser.add_argument(
        "-t", "--templates", action="store_true", help="print the time in templates: all, and Jinja2's part"
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from http_bench import browser_cookies, targets

    cookies = browser_cookies()
    urls = [(target.path, target.cookie) for target in targets(cookies)]
    if args.paths:
        by_path = dict(urls)
        urls = [
            (path, by_path.get(path, cookies["mentor" if "mentoring" in path else "learner"]))
            for path in args.paths
        ]
    for path, cookie in urls:
        client = Client(HTTP_COOKIE=cookie or "")
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        queries = count_queries(connection, client, path)
        started, cpu = time.perf_counter(), time.process_time()
        for _ in range(args.n):
            client.get(path)
        elapsed, cpu = (time.perf_counter() - started) / args.n, (time.process_time() - cpu) / args.n
        # Function calls per request: a steadier measure of Python's work than time on a busy machine.
        counter = cProfile.Profile()
        counter.runcall(client.get, path)
        calls = pstats.Stats(counter).total_calls  # type: ignore[attr-defined]
        print(
            f"{path:<36} {elapsed * 1000:7.1f} ms {cpu * 1000:7.1f} ms CPU {calls:8,d} calls "
            f"{queries:3d} queries {len(response.content):7,d} bytes"
        )
        if args.queries:
            print_query_times(connection, client, path, rounds=args.n)
        if args.templates:
            print_template_times(client, path, rounds=args.n, page_ms=elapsed * 1000)
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.n):
                client.get(path)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.top)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
