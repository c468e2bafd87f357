"""The shape of every `rebuild_…` command (standings, quiz records, mentee flags): start or join the
kind's rebuild run (`progress.rebuilds`), queue its ranges for the workers (or do them here with
`--inline`), then show its progress until it is done (unless `--no-wait`)."""

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from progress.models import RebuildRun
from progress.rebuilds import (
    RANGE_SIZE,
    Rebuild,
    RebuildProgress,
    rebuild_errors,
    rebuild_progress,
    rebuild_range_do,
    rebuild_ranges_enqueue,
    rebuild_ranges_to_do,
    rebuild_run_finish_if_done,
    rebuild_run_start,
    rebuild_run_unfinished,
)

POLL_SECONDS = 1.0
QUIET_SECONDS = 60.0
"""With no range done for this long, the command says what may be wrong (and keeps waiting)."""


class RebuildCommand(BaseCommand):
    rebuild: Rebuild
    range_task: Any
    """The Celery task that does one range: `task.delay(range_id)`."""

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--inline", action="store_true", help="Do every range in this process (no worker needed)."
        )
        parser.add_argument(
            "--no-wait", action="store_true", help="Queue the ranges and return without following them."
        )
        parser.add_argument(
            "--resume",
            action="store_true",
            help="Only finish the unfinished run (a killed worker, a stopped command); start none.",
        )
        parser.add_argument(
            "--restart",
            action="store_true",
            help="End the unfinished run, if any, and start anew (after a change that makes its rows stale).",
        )
        parser.add_argument("--range-size", type=int, default=RANGE_SIZE, help="Ids a range (a task).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["resume"] and options["restart"]:
            raise CommandError("--resume finishes the unfinished run; --restart ends it: choose one.")
        if options["range_size"] < 1:
            raise CommandError("--range-size must be at least 1.")
        run = self._run(resume=options["resume"], restart=options["restart"], size=options["range_size"])
        if run is None:
            self.stdout.write(f"No unfinished {self.rebuild.kind} rebuild to resume.")
            return
        started = time.monotonic()
        if options["inline"]:
            for range_id in rebuild_ranges_to_do(run):
                rebuild_range_do(self.rebuild, range_id=range_id)
        else:
            queued = rebuild_ranges_enqueue(run, self.range_task)
            self.stdout.write(f"{queued} range(s) queued.")
            if options["no_wait"]:
                self.stdout.write(f"Not waiting: `--resume` finishes run {run.pk} if a range is lost.")
                return
        progress = self._follow(run)
        self.stdout.write(
            f"{progress.written:,} {self.rebuild.rows_name} rebuilt in {time.monotonic() - started:.1f} s "
            f"({progress.ranges} range{'' if progress.ranges == 1 else 's'})."
        )

    def _run(self, *, resume: bool, restart: bool, size: int) -> RebuildRun | None:
        if resume:
            run = rebuild_run_unfinished(self.rebuild)
            created = False
        else:
            run, created = rebuild_run_start(self.rebuild, restart=restart, size=size)
        if run is not None:
            verb = "Started" if created else "Continuing"
            as_of = f"{run.as_of:%Y-%m-%d %H:%M:%S %Z}"
            progress = rebuild_progress(self.rebuild, run)
            self.stdout.write(
                f"{verb} the {self.rebuild.kind} rebuild (run {run.pk}, as of {as_of}): {progress}."
            )
        return run

    def _follow(self, run: RebuildRun) -> RebuildProgress:
        """Print the run's progress as it moves, until it is finished."""
        shown = ""
        last_moved = time.monotonic()
        while True:
            progress = rebuild_progress(self.rebuild, run)
            if (line := str(progress)) != shown:
                self.stdout.write(line)
                shown, last_moved = line, time.monotonic()
            elif time.monotonic() - last_moved > QUIET_SECONDS:
                self.stderr.write(
                    f"No range done for {QUIET_SECONDS:.0f} s: are workers running? (Ctrl-C leaves the "
                    "run as it is; --resume queues what is left.)"
                )
                last_moved = time.monotonic()
            if progress.ranges_done == progress.ranges and not progress.finished:
                rebuild_run_finish_if_done(run.pk)  # (its last range's task had not marked it yet)
                continue
            if progress.finished:
                if progress.ranges_done < progress.ranges:
                    self.stderr.write("This run was ended by a newer one (--restart) before it was done.")
                return progress
            if progress.failed and progress.ranges_done + progress.failed == progress.ranges:
                for first_id, last_id, error in rebuild_errors(run):
                    self.stderr.write(f"Ids {first_id}–{last_id}: {error}")
                raise CommandError(
                    f"{progress.failed} range(s) failed and wrote nothing; the rest are done. "
                    "Once the cause is fixed, run again with --resume."
                )
            time.sleep(POLL_SECONDS)
