"""Running untrusted code: one fresh, unprivileged, isolated process per run (bubblewrap + rlimits).

What a run can do:
- no network: new network, IPC, UTS, cgroup and PID namespaces (`--unshare-all`), so even 127.0.0.1 is
  an empty loopback of its own; it sees only its own processes;
- no files of the app: the new root holds only the interpreter (binary, standard library; its
  `site-packages` hidden under an empty directory), the system's shared libraries, and the allowed
  packages (NumPy), all read-only, plus a private, size-capped tmpfs at /tmp (its working directory) —
  nothing another run wrote, nothing of the host's /tmp;
- no environment (`--clearenv`) and no privilege: the process runs as an unprivileged host user (a uid
  of its own per worker process, so one run's fork bomb never counts against another's), with no
  capabilities and no new privileges;
- limits: CPU time (RLIMIT_CPU), address space (RLIMIT_AS), processes (RLIMIT_NPROC), file size
  (RLIMIT_FSIZE), set in the child before bubblewrap starts; the wall-clock time and the output's size
  are watched by the parent, which kills the whole process group at either limit.

The harness (`exercises/harness.py`, passed with `-c`) reports each test's result on fd 3 as it is known;
`run()` hands each to `on_test` at once. Nothing here touches the database.
"""

import ast
import contextlib
import json
import os
import resource
import selectors
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path

from django.conf import settings

from exercises.limits import Limits, limit_message

HARNESS = (Path(__file__).with_name("harness.py")).read_text()
PACKAGES_ROOT = "/sandbox/packages"
STARTUP_GRACE_SECONDS = 2.0
"""Wall time allowed beyond twice the CPU limit (a busy machine): the interpreter's start, NumPy's import."""
OUTPUT_TAIL_LINES = 30
OUTPUT_TAIL_CHARS = 4000


class SandboxUnavailable(Exception):
    """The sandbox cannot run on this machine (bubblewrap missing or refused): not the learner's fault."""


@dataclass
class TestResult:
    name: str
    description: str
    passed: bool = False
    message: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "description": self.description,
            "passed": self.passed,
            "message": self.message,
        }


@dataclass
class RunResult:
    tests: list[TestResult]
    output_tail: str = ""
    limit: str = ""
    """"" when the run ended by itself; else "time", "memory", "output" or "crash"."""
    error: str = ""
    """Why the code could not be tested (it failed to load), or how the run ended early."""
    duration_ms: int = 0
    output_bytes: int = 0
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def passed_count(self) -> int:
        return sum(test.passed for test in self.tests)


def test_names(tests_code: str) -> list[tuple[str, str]]:
    """The `test_*` functions of a test file (name, first line of its docstring), in order, read without
    running it. A file that does not parse has none."""
    try:
        tree = ast.parse(tests_code)
    except (SyntaxError, ValueError):
        return []
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            doc = (ast.get_docstring(node) or "").strip().splitlines()
            found[node.name] = doc[0] if doc else node.name.removeprefix("test_").replace("_", " ")
    return list(found.items())


def _interpreter_binds() -> list[str]:
    """The interpreter (as the worker runs it), its standard library without site-packages, and the
    system's shared libraries, read-only at the same paths."""
    executable = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
    stdlib = sysconfig.get_paths()["stdlib"]
    args = ["--ro-bind", executable, "/usr/local/bin/python3", "--ro-bind", stdlib, stdlib]
    site_packages = os.path.join(stdlib, "site-packages")
    if os.path.isdir(site_packages):
        args += ["--tmpfs", site_packages, "--remount-ro", site_packages]
    dist_packages = os.path.join(stdlib, "dist-packages")
    if os.path.isdir(dist_packages):
        args += ["--tmpfs", dist_packages, "--remount-ro", dist_packages]
    libpython = os.path.join(
        sysconfig.get_config_var("LIBDIR") or "", sysconfig.get_config_var("INSTSONAME") or ""
    )
    if os.path.isfile(libpython) and not libpython.startswith(("/usr/lib/", "/lib")):
        args += ["--ro-bind", libpython, libpython]
    multiarch = sysconfig.get_config_var("MULTIARCH") or ""
    for top in ("/lib", "/lib64"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    for libdir in (f"/usr/lib/{multiarch}" if multiarch else "", "/usr/lib64"):
        if libdir and os.path.isdir(libdir):
            args += ["--ro-bind", libdir, libdir]
    return args


def package_binds(packages: list[str]) -> tuple[list[str], list[str]]:
    """Read-only binds of the allowed packages (the worker's own installed copies) and the import path
    that finds them inside the sandbox."""
    args: list[str] = []
    for package in packages:
        spec = find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise SandboxUnavailable(f"the package {package} is not installed on this sandbox worker")
        location = Path(next(iter(spec.submodule_search_locations)))
        for path in (location, location.with_name(f"{package}.libs")):  # wheels keep shared libs beside
            if path.is_dir():
                args += ["--ro-bind", str(path), f"{PACKAGES_ROOT}/{path.name}"]
    return args, [PACKAGES_ROOT] if packages else []


def sandbox_command(*, packages: list[str], limits: Limits, uid: int) -> tuple[list[str], list[str]]:
    """The bubblewrap command line and the import paths of the allowed packages.

    Run by root (a worker in a container), bubblewrap sets the sandbox up with root's access to the
    interpreter wherever it is installed, without a user namespace (which would map the sandbox's user
    back to root on the host), and the harness's first act is to become `uid`, an unprivileged host user:
    root's capabilities are gone from then on. Run by another user, bubblewrap needs a user namespace
    of its own, mapped to that (unprivileged) user."""
    bwrap = settings.SANDBOX_BWRAP
    if not bwrap or not shutil.which(bwrap):
        raise SandboxUnavailable(f"bubblewrap ({bwrap or 'SANDBOX_BWRAP'}) is not installed")
    binds, paths = package_binds(packages)
    if os.getuid() == 0:
        namespaces = [
            "--unshare-net",
            "--unshare-pid",
            "--unshare-ipc",
            "--unshare-uts",
            "--unshare-cgroup-try",
        ]
    else:
        namespaces = ["--unshare-all", "--unshare-user", "--disable-userns", "--cap-drop", "ALL"]
    command = [
        bwrap, *namespaces, "--die-with-parent", "--new-session", "--clearenv", "--hostname", "sandbox",
        *_with_parent_dirs([*_interpreter_binds(), *binds]),
        "--proc", "/proc", "--dev", "/dev",
        "--size", str(limits.file_mb * 4 * 1024 * 1024), "--perms", "1777", "--tmpfs", "/tmp",
        "--remount-ro", "/",
        "--setenv", "HOME", "/tmp", "--setenv", "LANG", "C.UTF-8", "--setenv", "PYTHONIOENCODING", "utf-8",
        "--setenv", "OPENBLAS_NUM_THREADS", "1", "--setenv", "OMP_NUM_THREADS", "1",
        "--chdir", "/tmp",
        "/usr/local/bin/python3", "-I", "-S", "-B", "-u", "-c", HARNESS,
    ]  # fmt: skip
    return command, paths


def _with_parent_dirs(binds: list[str]) -> list[str]:
    """The bind (and symlink) arguments preceded by the directories above their destinations, made
    world-readable (bubblewrap run by root makes missing parents 0700, which the sandbox user could not
    enter)."""
    destinations = [binds[i + 2] for i, arg in enumerate(binds) if arg in ("--ro-bind", "--symlink")]
    parents: set[str] = set()
    for destination in destinations:
        parent = os.path.dirname(destination)
        while parent not in ("/", ""):
            parents.add(parent)
            parent = os.path.dirname(parent)
    args: list[str] = []
    for parent in sorted(parents, key=lambda path: (path.count("/"), path)):
        if not any(parent == d or parent.startswith(d + "/") for d in destinations):
            args += ["--perms", "0755", "--dir", parent]
    return args + binds


def _sandbox_uid() -> int:
    """An unprivileged host uid of this worker process's own: concurrent runs (other worker processes)
    never share a process count (RLIMIT_NPROC counts per user)."""
    return settings.SANDBOX_UID_BASE + os.getpid() % settings.SANDBOX_UID_COUNT


def _limit_child(limits: Limits) -> Callable[[], None]:
    def preexec() -> None:
        os.umask(0o022)  # the directories bubblewrap makes for its mount points: readable by the sandbox user
        # Runs in the child between fork and exec; the limits hold for bubblewrap and what it runs (the
        # process limit binds once the harness is the unprivileged user).
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
        memory = limits.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))
        file_size = limits.file_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return preexec


def _kill(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def run(
    *,
    code: str,
    tests: str,
    limits: Limits,
    packages: list[str] | None = None,
    on_test: Callable[[TestResult], None] | None = None,
) -> RunResult:
    """Run `tests` against `code` in a fresh sandbox; every test of `tests` gets a result."""
    expected = [TestResult(name=name, description=description) for name, description in test_names(tests)]
    by_name = {test.name: test for test in expected}
    uid = _sandbox_uid() if os.getuid() == 0 else os.getuid()
    command, paths = sandbox_command(packages=packages or [], limits=limits, uid=uid)
    result = RunResult(tests=expected)
    read_end, write_end = os.pipe()
    started = time.monotonic()
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            pass_fds=(write_end,),
            preexec_fn=_limit_child(limits),
            start_new_session=True,
        )
    except OSError as error:
        os.close(read_end)
        os.close(write_end)
        raise SandboxUnavailable(f"the sandbox did not start: {error}") from error
    os.close(write_end)
    reported: set[str] = set()
    output = bytearray()
    try:
        payload = json.dumps(
            {"solution": code, "tests": tests, "paths": paths, "results_fd": write_end, "uid": uid}
        )
        payload_bytes = payload.encode("utf-8", "surrogatepass")
        try:
            assert process.stdin is not None
            process.stdin.write(payload_bytes)
            process.stdin.close()
        except BrokenPipeError:
            pass

        def handle(event: dict) -> None:
            if (
                event.get("event") == "test"
                and event.get("name") in by_name
                and event["name"] not in reported
            ):
                test = by_name[event["name"]]
                test.passed = bool(event.get("passed"))
                test.message = str(event.get("message", ""))[:600]
                reported.add(test.name)
                if on_test:
                    on_test(test)
            elif event.get("event") == "error":
                result.error = str(event.get("message", ""))[:600]
            elif event.get("event") == "limit" and event.get("kind") == "memory":
                result.limit = result.limit or "memory"

        limit, done = _watch(process, read_end, output, limits, started, handle)
        result.limit = limit or result.limit
        if not result.limit and not result.error and not done:
            result.limit = _ended_by(process.returncode)
    finally:
        _kill(process)
        process.wait()
        os.close(read_end)
    result.duration_ms = int((time.monotonic() - started) * 1000)
    result.output_bytes = len(output)
    result.output_tail = _tail(bytes(output[-OUTPUT_TAIL_CHARS * 4 :]))
    reason = result.error or (limit_message(result.limit, limits) if result.limit else "")
    for test in expected:
        if test.name not in reported:
            test.passed = False
            test.message = f"did not run: {reason}" if reason else "did not run"
    return result


def _watch(
    process: subprocess.Popen,
    results_fd: int,
    output: bytearray,
    limits: Limits,
    started: float,
    handle: Callable[[dict], None],
) -> tuple[str, bool]:
    """Read the output and the results until the process ends or a limit is hit, handing each result
    event to `handle` as it arrives. Returns the limit hit ("" if none) and whether the harness said it
    was done."""
    assert process.stdout is not None
    deadline = started + 2 * limits.cpu_seconds + STARTUP_GRACE_SECONDS
    pending = b""
    done = False
    limit = ""
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ, "output")
    selector.register(results_fd, selectors.EVENT_READ, "results")
    open_streams = 2
    while open_streams:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            limit = "time"
            break
        for key, _ in selector.select(timeout=min(remaining, 0.5)):
            chunk = os.read(key.fd, 65536)
            if not chunk:
                selector.unregister(key.fileobj)
                open_streams -= 1
            elif key.data == "output":
                output += chunk
                if len(output) > limits.output_bytes:
                    limit = "output"
            else:
                pending += chunk
                if len(pending) > 1_000_000:  # nobody's results are that long: not the harness writing
                    limit = "output"
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    try:
                        event = json.loads(line)
                    except ValueError:
                        continue
                    if isinstance(event, dict):
                        done = done or event.get("event") == "done"
                        handle(event)
        if limit:
            break
    selector.close()
    if limit:
        _kill(process)
    try:
        process.wait(timeout=max(0.1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        limit = limit or "time"
        _kill(process)
        process.wait()
    return limit, done


def _ended_by(returncode: int | None) -> str:
    """How a run that never said "done" ended: CPU time (SIGXCPU or SIGKILL at the hard limit), else it
    crashed or exited early (os._exit, a signal of its own)."""
    if returncode is not None and returncode < 0 and -returncode in (signal.SIGXCPU, signal.SIGKILL):
        return "time"
    if returncode in (128 + signal.SIGXCPU, 128 + signal.SIGKILL):  # bwrap reports its child's signal so
        return "time"
    return "crash"


def _tail(data: bytes) -> str:
    """The last lines of the output, as text (undecodable bytes replaced, NULs dropped)."""
    text = data.decode("utf-8", "replace").replace("\x00", "")
    lines = text.splitlines()[-OUTPUT_TAIL_LINES:]
    return "\n".join(lines)[-OUTPUT_TAIL_CHARS:]
