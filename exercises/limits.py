"""A run's limits in the sandbox (CPU time, memory, processes, output, files) and, when a run hit one,
the words the learner reads for it (in their language: worded when shown, not when the run ended)."""

from dataclasses import dataclass

from django.utils.translation import gettext


@dataclass(frozen=True)
class Limits:
    cpu_seconds: int = 2
    memory_mb: int = 256
    processes: int = 16
    output_bytes: int = 64 * 1024
    file_mb: int = 8


def limit_message(kind: str, limits: Limits) -> str:
    if kind == "time":
        return gettext("time limit exceeded after %(seconds)s s") % {"seconds": limits.cpu_seconds}
    if kind == "memory":
        return gettext("memory limit exceeded (%(megabytes)s MB)") % {"megabytes": limits.memory_mb}
    if kind == "output":
        return gettext("output limit exceeded (%(kilobytes)s KB)") % {
            "kilobytes": limits.output_bytes // 1024
        }
    return gettext("the program ended before every test had run") if kind == "crash" else kind
