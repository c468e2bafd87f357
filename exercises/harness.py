"""The test harness that runs INSIDE the sandbox (standard library only; never imported by the app).

It reads one JSON object from stdin — the learner's code (`solution`), the tests' code (`tests`) and
the extra import paths of the allowed packages (`paths`) — writes the code to `solution.py` in the
sandbox's private temporary directory, runs every `test_*` function of the tests in the order they are
defined, and reports each result as one JSON line on file descriptor 3 as soon as it is known:

    {"event": "test", "name": "test_x", "passed": false, "message": "the assertion's message"}
    {"event": "error", "message": "SyntaxError: … (solution.py, line 3)"}   the code did not load
    {"event": "limit", "kind": "memory"}                                   a MemoryError
    {"event": "done"}

Only the assertion's message and the exception's type and text are reported, never the test's code,
so a hidden test stays hidden. Whatever the learner's code prints goes to stdout/stderr, which the
parent reads (and caps) separately.
"""

import json
import os
import sys
import traceback

WORKDIR = "/tmp"
MESSAGE_LIMIT = 500


def _emit(stream, **event):
    stream.write(json.dumps(event) + "\n")
    stream.flush()


def _short(text):
    text = str(text)
    return text if len(text) <= MESSAGE_LIMIT else text[: MESSAGE_LIMIT - 1] + "…"


def _where(error):
    """The last line of the learner's own file in the traceback (never a line of the tests)."""
    line = None
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename.endswith("solution.py"):
            line = frame.lineno
    if isinstance(error, SyntaxError) and error.filename and error.filename.endswith("solution.py"):
        line = error.lineno
    return f" (solution.py, line {line})" if line else ""


def _describe(error):
    if isinstance(error, ModuleNotFoundError):
        return f"ModuleNotFoundError: {error}: this exercise allows the standard library" + (
            " and NumPy" if any("packages" in path for path in sys.path) else " only"
        )
    text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return _short(text + _where(error))


def _become_unprivileged(uid):
    """Run as root (bubblewrap set up by a root worker), become the unprivileged sandbox user before
    anything else: every capability goes with root, and there is no way back."""
    if os.getuid() != 0:
        return
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    if os.getuid() == 0 or os.geteuid() == 0:
        raise SystemExit("could not drop privileges")


def main():
    payload = json.loads(sys.stdin.read())
    _become_unprivileged(payload["uid"])
    # Only stdin, stdout, stderr and the results pipe stay open: nothing the worker had open leaks in.
    os.closerange(3, payload["results_fd"])
    os.closerange(payload["results_fd"] + 1, 1 << 16)
    results = os.fdopen(payload["results_fd"], "w", buffering=1)
    os.chdir(WORKDIR)
    with open("solution.py", "w", encoding="utf-8") as file:
        file.write(payload["solution"])
    sys.path[:0] = [WORKDIR, *payload["paths"]]
    namespace = {"__name__": "exercise_tests"}
    try:
        exec(compile(payload["tests"], "tests.py", "exec"), namespace)
    except MemoryError:
        _emit(results, event="limit", kind="memory")
        return
    except BaseException as error:  # the learner's code failed to load: every test fails with this
        _emit(results, event="error", message=_describe(error))
        return
    tests = [
        (name, value) for name, value in namespace.items() if name.startswith("test_") and callable(value)
    ]
    for name, test in tests:
        try:
            test()
        except AssertionError as error:
            message = _short(error) if str(error) else "the assertion failed" + _where(error)
            _emit(results, event="test", name=name, passed=False, message=message)
        except MemoryError:
            _emit(results, event="limit", kind="memory")
            return
        except BaseException as error:
            _emit(results, event="test", name=name, passed=False, message=_describe(error))
        else:
            _emit(results, event="test", name=name, passed=True, message="")
    _emit(results, event="done")


if __name__ == "__main__":
    main()
