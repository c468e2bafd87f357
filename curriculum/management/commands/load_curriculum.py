from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from curriculum.services import CurriculumError, curriculum_load


class Command(BaseCommand):
    help = "Load curriculum fixtures atomically, validating the whole curriculum (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths", nargs="*", type=Path, help="Fixture files (default: fixtures/curriculum.json)."
        )

    def handle(self, *args: object, paths: list[Path], **options: object) -> None:
        paths = paths or [Path(settings.BASE_DIR) / "fixtures" / "curriculum.json"]
        try:
            count = curriculum_load(paths=paths)  # all files in one transaction: all or nothing
        except CurriculumError as error:
            raise CommandError(str(error)) from error
        names = ", ".join(str(path) for path in paths)
        self.stdout.write(self.style.SUCCESS(f"Loaded {count} objects from {names}."))
