"""Instructions per request, counted by valgrind: a page's Python work without the machine's noise.

    .venv/bin/python bench/instructions.py                          # the floor and the learner's pages
    .venv/bin/python bench/instructions.py /dashboard/ /mentoring/  # these (and the floor)
    .venv/bin/python bench/instructions.py -n 20                    # requests counted per page

On a shared machine two timed runs of the same code differ by 10-20 %; valgrind's instruction count
(`--tool=callgrind`) of the same requests is the same to a fraction of a percent whatever else runs,
so an A/B of one change is read in one sitting. It counts this process only: PostgreSQL's and Redis's
work, and the time spent waiting for them, are not in it (bench/http_bench.py measures those).

Each page runs in Django's test client against the `lms_bench` database (bench/seed.py), with the same
learner and mentor as bench/http_bench.py: once with 5 warm-up requests, once with 5 + n; the
difference over n is the cost of one request. Needs valgrind (`apt-get install valgrind`); a page takes
about a minute.
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from common import ROOT, use_bench_database

URL = use_bench_database("lms_bench")
FLOOR = "/api/v1/me/"
LEARNER_PAGES = ["/dashboard/", "/schedule/", "/my/weeks/19/", "/quizzes/week/19/", "/api/v1/me/schedule/"]
WARM_UP = 5


def _requests(path: str, count: int) -> None:
    """In the measured process: WARM_UP + count requests of `path` as its user."""
    os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/5")
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.test import Client
    from http_bench import browser_cookies

    cookies = browser_cookies()
    client = Client(HTTP_COOKIE=cookies["mentor" if "mentoring" in path else "learner"])
    for _ in range(WARM_UP + count):
        assert client.get(path).status_code == 200, path


def _instructions(path: str, count: int) -> int:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        command = [
            "valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
            sys.executable, __file__, "--run", path, str(count),
        ]  # fmt: skip
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
        for line in result.stderr.splitlines():
            if "Collected :" in line:
                return int(line.rsplit(":", 1)[1].strip())
    raise RuntimeError(f"valgrind printed no count for {path}:\n{result.stderr[-2000:]}")


def per_request(path: str, count: int) -> float:
    return (_instructions(path, count) - _instructions(path, 0)) / count


def main() -> None:
    if sys.argv[1:2] == ["--run"]:
        _requests(sys.argv[2], int(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("paths", nargs="*", help=f"pages (default: {' '.join(LEARNER_PAGES)})")
    parser.add_argument("-n", type=int, default=20, help="requests counted per page")
    args = parser.parse_args()
    floor = per_request(FLOOR, args.n)
    print(f"{'page':<28} {'instructions':>14} {'floor / page':>13}")
    print(f"{FLOOR:<28} {floor / 1e6:12.1f} M {100:12.0f} %")
    for path in args.paths or LEARNER_PAGES:
        cost = per_request(path, args.n)
        print(f"{path:<28} {cost / 1e6:12.1f} M {100 * floor / cost:12.0f} %", flush=True)


if __name__ == "__main__":
    main()
