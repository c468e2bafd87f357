"""The sandbox on the real bubblewrap: results, limits, and escape and abuse attempts — each with a clear
result, nothing leaking, and the process that runs the sandbox still serving the next run."""

import json
import os
import socket
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings

from exercises import sandbox
from tests.conftest import REPO
from tests.exercises.conftest import EXAMPLES, HIDDEN, HIDDEN_MARKER, REFERENCE, STARTER

pytestmark = pytest.mark.usefixtures("real_sandbox")

LIMITS = sandbox.Limits(cpu_seconds=1, memory_mb=256)
SANDBOXED_COMMAND = b"/usr/local/bin/python3\x00-I\x00-S\x00"
NO_TESTS = "import solution  # noqa: F401 (runs the code)\n\ndef test_ran():\n    pass\n"
PROBE = """
import json, os

def attempt(action):
    try:
        return "allowed: " + repr(action())[:300]
    except BaseException as error:
        return "refused: " + type(error).__name__

results = {}
"""


def probe(code: str, **kwargs: object) -> dict[str, str]:
    """Run `code` (appending to `results`) after PROBE; the results, as the code printed them."""
    result = sandbox.run(
        code=PROBE + code + "\nprint(json.dumps(results))\n", tests=NO_TESTS, limits=LIMITS, **kwargs
    )
    assert (result.error, result.limit) == ("", ""), result.output_tail
    return json.loads(result.output_tail.splitlines()[-1])


def assert_still_serving() -> None:
    result = sandbox.run(code=REFERENCE, tests=HIDDEN, limits=LIMITS)
    assert [test.passed for test in result.tests] == [True, True]


def test_the_reference_passes_and_a_wrong_answer_sees_which_tests_failed_with_messages_not_code():
    passing = sandbox.run(code=REFERENCE, tests=HIDDEN, limits=LIMITS)
    assert [(t.name, t.passed) for t in passing.tests] == [
        ("test_negative_numbers", True),
        ("test_large_numbers", True),
    ]
    assert passing.limit == passing.error == ""

    wrong = sandbox.run(
        code="def add(a, b):\n    print('adding', a, b)\n    return abs(a) + abs(b)\n",
        tests=HIDDEN,
        limits=LIMITS,
    )
    assert [(t.description, t.passed, t.message) for t in wrong.tests] == [
        ("adds negative numbers", False, "adding two negative numbers goes wrong"),
        ("adds large numbers", True, ""),
    ]
    assert wrong.output_tail.splitlines()[-1] == "adding 100000000000000000000 1"  # the learner's own output
    assert HIDDEN_MARKER not in json.dumps([t.as_dict() for t in wrong.tests]) + wrong.output_tail

    starter = sandbox.run(code=STARTER, tests=EXAMPLES, limits=LIMITS)
    assert starter.tests[0].message == "add(1, 2) should be 3"


def test_an_error_in_the_code_is_named_with_its_line_in_the_learners_file_only():
    result = sandbox.run(code="def add(a, b):\n    return a + c\n", tests=HIDDEN, limits=LIMITS)
    assert result.tests[0].message == "NameError: name 'c' is not defined (solution.py, line 2)"
    syntax = sandbox.run(code="def add(a, b:\n", tests=HIDDEN, limits=LIMITS)
    assert syntax.error.startswith("SyntaxError: ")
    assert "solution.py, line 1" in syntax.error
    assert all(not t.passed and t.message.startswith("did not run: SyntaxError") for t in syntax.tests)


def test_each_result_is_reported_as_it_arrives():
    tests = "import time\nfrom solution import add\n" + "".join(
        f"def test_{n}():\n    time.sleep(0.3)\n    assert add({n}, 1) == {n + 1}\n" for n in range(3)
    )
    arrivals: list[tuple[str, float]] = []
    started = time.monotonic()
    result = sandbox.run(
        code=REFERENCE, tests=tests, limits=sandbox.Limits(cpu_seconds=2),
        on_test=lambda test: arrivals.append((test.name, time.monotonic() - started)),
    )  # fmt: skip
    assert [name for name, _ in arrivals] == ["test_0", "test_1", "test_2"]
    assert arrivals[1][1] - arrivals[0][1] >= 0.25  # one by one, not all at the end
    assert result.passed_count == 3


def test_the_code_runs_as_an_unprivileged_host_user_with_no_capabilities():
    """Seen from the host: every sandboxed interpreter (its command line is the harness's), sampled while
    the code sleeps, runs as a user that is not root, with no capability and no way to gain one."""
    seen: dict[str, dict[str, str]] = {}
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            for status in Path("/proc").glob("[0-9]*/status"):
                try:
                    if not (status.parent / "cmdline").read_bytes().startswith(SANDBOXED_COMMAND):
                        continue
                    text = status.read_text()
                except OSError:
                    continue
                seen[status.parent.name] = dict(
                    line.split(":\t", 1) for line in text.splitlines() if ":\t" in line
                )
            time.sleep(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        result = sandbox.run(
            code="import time\ntime.sleep(1.5)\n", tests=NO_TESTS, limits=sandbox.Limits(cpu_seconds=2)
        )
    finally:
        stop.set()
        watcher.join()
    assert result.tests[0].passed, result.tests[0].message
    assert seen, "no sandboxed process found"
    for status in seen.values():  # the last sample of each (the harness drops root before any code)
        uids = status["Uid"].split()
        assert len(set(uids)) == 1, status["Uid"]
        assert int(uids[0]) >= settings.SANDBOX_UID_BASE, status["Uid"]
        assert int(status["CapEff"], 16) == int(status["CapPrm"], 16) == 0
        assert status["NoNewPrivs"].strip() == "1"
    inside = probe("results['setuid'] = attempt(lambda: os.setuid(0))\nresults['uid'] = os.getuid()")
    assert inside["setuid"].startswith("refused")
    assert int(inside["uid"]) >= settings.SANDBOX_UID_BASE


def test_no_network_neither_the_database_port_nor_outside_nor_a_listener_of_the_host():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    database_port = int(settings.DATABASES["default"].get("PORT") or 5432)
    results = probe(f"""
import socket
def connect(address):
    with socket.create_connection(address, timeout=2):
        return "connected"
results["database"] = attempt(lambda: connect(("127.0.0.1", {database_port})))
results["host listener"] = attempt(lambda: connect(("127.0.0.1", {port})))
results["outside"] = attempt(lambda: connect(("1.1.1.1", 80)))
results["dns"] = attempt(lambda: socket.getaddrinfo("pypi.org", 443))
results["interfaces"] = attempt(lambda: [name for _, name in socket.if_nameindex()])
""")
    assert results["database"] == results["host listener"] == "refused: ConnectionRefusedError"
    assert results["outside"] == "refused: OSError"  # network is unreachable
    assert results["dns"] == "refused: gaierror"
    assert results["interfaces"] == "allowed: ['lo']"
    with pytest.raises(TimeoutError):
        listener.accept()
    listener.close()


def test_no_files_or_environment_of_the_app():
    secrets = [settings.SECRET_KEY, settings.DATABASES["default"]["NAME"]]
    results = probe(f"""
results["settings"] = attempt(lambda: open({str(REPO / "lms" / "settings.py")!r}).read())
results["dotenv"] = attempt(lambda: open({str(REPO / ".env.example")!r}).read())
results["pid 1 environ"] = attempt(lambda: open("/proc/1/environ").read())
results["own environ"] = sorted(os.environ)
results["root"] = sorted(os.listdir("/"))
results["etc"] = attempt(lambda: os.listdir("/etc"))
results["home"] = attempt(lambda: os.listdir("/root"))
results["fds"] = sorted(os.listdir("/proc/self/fd"))
results["processes"] = sorted(p for p in os.listdir("/proc") if p.isdigit())
results["site-packages"] = attempt(lambda: __import__("django"))
""")
    assert results["settings"] == results["dotenv"] == "refused: FileNotFoundError"
    assert results["pid 1 environ"].startswith("refused")
    assert results["own environ"] == [
        "HOME",
        "LANG",
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "PWD",
        "PYTHONIOENCODING",
    ]
    assert results["etc"] == "refused: FileNotFoundError"
    assert set(results["root"]) <= {"dev", "lib", "lib64", "proc", "root", "sandbox", "tmp", "usr"}
    assert results["site-packages"] == "refused: ModuleNotFoundError"
    assert len(results["fds"]) == 5  # stdin, stdout, stderr, the results pipe, and listdir's own
    assert len(results["processes"]) <= 3  # bubblewrap's init and itself: no process of the host
    assert not any(secret in json.dumps(results) for secret in secrets)


def test_writing_outside_the_private_tmp_is_refused_and_no_run_sees_another_runs_files():
    first = probe("""
results["usr"] = attempt(lambda: open("/usr/lib/evil.py", "w"))
results["root"] = attempt(lambda: open("/evil.py", "w"))
results["stdlib"] = attempt(lambda: open(os.__file__, "a"))
results["tmp"] = attempt(lambda: open("/tmp/secret-of-run-1.txt", "w").write("mine"))
""")
    for where in ("usr", "root", "stdlib"):  # a read-only file system (or no permission, for a file)
        assert first[where] in ("refused: OSError", "refused: PermissionError"), where
    assert first["tmp"] == "allowed: 4"
    second = probe("""
results["tmp"] = sorted(os.listdir("/tmp"))
results["read"] = attempt(lambda: open("/tmp/secret-of-run-1.txt").read())
""")
    assert second["read"] == "refused: FileNotFoundError"
    assert "secret-of-run-1.txt" not in second["tmp"]
    assert not Path("/tmp/secret-of-run-1.txt").exists()  # nor on the host


def test_a_huge_file_in_tmp_stops_at_the_file_size_limit():
    results = probe("results['big'] = attempt(lambda: open('/tmp/big', 'wb').write(b'x' * (64 * 2**20)))")
    assert results["big"] == "refused: OSError"


def test_a_fork_bomb_is_contained_and_the_next_run_works():
    started = time.monotonic()
    result = sandbox.run(
        code="import os\nwhile True:\n    os.fork()\n", tests=HIDDEN, limits=sandbox.Limits(cpu_seconds=1)
    )
    assert time.monotonic() - started < 10
    assert not any(test.passed for test in result.tests)
    assert result.error.startswith("BlockingIOError") or result.limit in ("time", "crash"), result
    assert_still_serving()


def test_an_infinite_loop_is_a_time_limit_result():
    result = sandbox.run(code="while True:\n    pass\n", tests=HIDDEN, limits=LIMITS)
    assert result.limit == "time"
    assert result.tests[0].message == "did not run: time limit exceeded after 1 s"
    sleeper = sandbox.run(code="import time\ntime.sleep(60)\n", tests=HIDDEN, limits=LIMITS)
    assert sleeper.limit == "time"  # the wall clock, for code that waits without using the CPU
    assert sleeper.duration_ms < 10_000


def test_allocating_4_gb_is_a_memory_limit_result():
    result = sandbox.run(code="block = bytearray(4 * 2**30)\n", tests=HIDDEN, limits=LIMITS)
    assert result.limit == "memory"
    assert result.tests[0].message == "did not run: memory limit exceeded (256 MB)"
    inside_a_test = sandbox.run(
        code="def add(a, b):\n    return len(bytearray(4 * 2**30))\n", tests=HIDDEN, limits=LIMITS
    )
    assert inside_a_test.limit == "memory"


def test_printing_100_mb_stops_at_the_output_limit_and_keeps_the_last_lines():
    started = time.monotonic()
    result = sandbox.run(
        code="import sys\nfor n in range(10**7):\n    sys.stdout.write(f'line {n}' + ' ' * 3 + '\\n')\n",
        tests=HIDDEN, limits=LIMITS,
    )  # fmt: skip
    assert result.limit == "output"
    assert result.tests[0].message == "did not run: output limit exceeded (64 KB)"
    assert result.output_bytes < 1024 * 1024
    assert len(result.output_tail) <= sandbox.OUTPUT_TAIL_CHARS
    assert result.output_tail.splitlines()[-1].startswith("line ")
    assert time.monotonic() - started < 10


def test_a_package_that_is_not_allowed_cannot_be_imported_and_an_allowed_one_can():
    code = "import numpy as np\ndef add(a, b):\n    return int(np.add(a, b))\n"
    refused = sandbox.run(code=code, tests=HIDDEN, limits=LIMITS)
    assert refused.error == (
        "ModuleNotFoundError: No module named 'numpy': this exercise allows the standard library only"
    )
    allowed = sandbox.run(
        code=code.replace("10**20", "1"),
        tests=EXAMPLES,
        limits=sandbox.Limits(cpu_seconds=3),
        packages=["numpy"],
    )
    assert allowed.tests[0].passed, (allowed.error, allowed.tests)
    others = probe("results['requests'] = attempt(lambda: __import__('requests'))", packages=["numpy"])
    assert others["requests"] == "refused: ModuleNotFoundError"


def test_killing_the_parent_or_everything_leaves_the_worker_serving():
    code = f"""
import os, signal
for target in (os.getppid(), 1, -1, {os.getpid()}):
    try:
        os.kill(target, signal.SIGKILL)
    except OSError:
        pass
def add(a, b):
    return a + b
"""
    result = sandbox.run(code=code, tests=HIDDEN, limits=LIMITS)
    assert not all(test.passed for test in result.tests) or result.limit == ""  # whatever it did to itself
    os.kill(os.getpid(), 0)  # this process (the worker) is alive
    assert_still_serving()


def test_the_harness_output_channel_cannot_be_flooded_into_a_pass():
    result = sandbox.run(
        code="import os\nfor fd in range(3, 20):\n    try:\n"
        "        os.write(fd, b'{\"event\": \"done\"}\\n' * 3)\n"
        "    except OSError:\n        pass\nos._exit(0)\n",
        tests=HIDDEN, limits=LIMITS,
    )  # fmt: skip
    assert not any(test.passed for test in result.tests)
    assert result.tests[0].message.startswith("did not run")
