"""Bulk onboarding from a CSV in Django admin (django-import-export): one row per person, with the
columns name, email, cohort (its name) and mentor (the mentor's e-mail address, may be empty).

Each row goes through `services.learner_onboard`, the service the API calls too. The admin runs the
file twice: a dry run in a transaction that is rolled back (the preview: what each row would do, and
each invalid row's errors by column) and, once staff confirm, the import itself, which skips the
invalid rows. A row that changes nothing (the same file again) is "skipped" and sends nothing.
"""

import csv
import io
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext
from import_export import resources
from import_export.results import RowResult

from accounts.models import User
from cohorts.models import Cohort
from cohorts.selectors import mentor_for_email
from cohorts.text import plain_text
from invitations import services
from invitations.models import Invitation

COLUMNS = ("name", "email", "cohort", "mentor")
"""The CSV's columns (any order, any case; other columns are ignored)."""
PREVIEW_COLUMNS = (*COLUMNS, "result")


def _grouped(number: int) -> str:
    """A count as the reader writes numbers (1,000 or 1.000)."""
    return number_format(number, force_grouping=True)


def header_problems(headers: Sequence[object]) -> list[str]:
    """What is wrong with a file's header row: missing or repeated columns."""
    names = [str(header or "").strip().lower() for header in headers]
    problems = []
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        problems.append(
            gettext(
                "The file has no column %(missing)s: its first row must name the columns %(columns)s "
                "(found: %(found)s)."
            )
            % {
                "missing": ", ".join(missing),
                "columns": ", ".join(COLUMNS),
                "found": ", ".join(names) or gettext("nothing"),
            }
        )
    repeated = sorted({name for name in names if name in COLUMNS and names.count(name) > 1})
    if repeated:
        problems.append(
            gettext("The column %(columns)s appears more than once.") % {"columns": ", ".join(repeated)}
        )
    return problems


def file_problems(data: bytes) -> list[str]:
    """What makes an uploaded file unreadable as the onboarding CSV, before anything is imported:
    too large, not UTF-8, no or wrong header, too many rows. Empty: it can be previewed."""
    limit = settings.INVITATION_IMPORT_MAX_BYTES
    if len(data) > limit:
        return [
            gettext("The file is %(size)s bytes: at most %(limit)s bytes can be imported at once. Split it.")
            % {"size": _grouped(len(data)), "limit": _grouped(limit)}
        ]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return [
            gettext("The file is not UTF-8 text (byte %(number)s is not): save it as “CSV UTF-8”.")
            % {"number": error.start + 1}
        ]
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as error:
        return [gettext("The file is not a readable CSV: %(error)s.") % {"error": error}]
    if not rows:
        return [gettext("The file is empty.")]
    problems = header_problems(rows[0])
    body = [row for row in rows[1:] if any(cell.strip() for cell in row)]
    if not problems and not body:
        problems.append(gettext("The file has a header but no rows."))
    if len(body) > settings.INVITATION_IMPORT_MAX_ROWS:
        limit = settings.INVITATION_IMPORT_MAX_ROWS
        problems.append(
            gettext("The file has %(count)s rows: at most %(limit)s are imported at once. Split it.")
            % {"count": _grouped(len(body)), "limit": _grouped(limit)}
        )
    return problems


class OnboardingResource(resources.ModelResource):
    """Rows of (name, email, cohort, mentor) onboarded one by one through `learner_onboard`."""

    class Meta:
        model = Invitation
        fields = ()
        use_transactions = True
        skip_diff = True
        report_skipped = True

    def __init__(self, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.user = user
        self.seen: dict[str, int] = {}
        self.cohorts: dict[str, Cohort] = {}

    @classmethod
    def get_display_name(cls) -> str:
        return "Learners to onboard"

    def get_user_visible_fields(self) -> list[Any]:
        return []

    def get_diff_headers(self) -> list[str]:
        return list(PREVIEW_COLUMNS)

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        """Column names are matched whatever their case and spaces; the admin form refused wrong ones."""
        problems = header_problems(dataset.headers or [])
        if problems:
            raise ValidationError(problems)
        dataset.headers = [str(header or "").strip().lower() for header in dataset.headers]
        self.user = kwargs.get("user") or self.user

    def _cohort(self, value: object) -> Cohort:
        name = plain_text(value, field="cohort", max_length=150)
        if name not in self.cohorts:
            cohort = Cohort.objects.filter(name__iexact=name).first()
            if cohort is None:
                message = gettext("No cohort is named “%(name)s”: create it first.") % {"name": name}
                raise ValidationError({"cohort": message})
            self.cohorts[name] = cohort
        return self.cohorts[name]

    def _check_repeat(self, email: str, row_number: int) -> None:
        first = self.seen.setdefault(email, row_number)
        if first != row_number:
            message = gettext("%(address)s is on row %(row)s already: each person once per file.")
            raise ValidationError({"email": message % {"address": email, "row": first}})

    def import_row(self, row: dict[str, Any], instance_loader: Any, **kwargs: Any) -> RowResult:
        row_result = self.get_row_result_class()()
        row_number = kwargs.get("row_number", 0)
        try:
            errors: dict[str, list[str]] = {}
            values: dict[str, Any] = {}
            for field, read in (
                ("email", lambda: services.clean_email(row.get("email"))),
                ("cohort", lambda: self._cohort(row.get("cohort"))),
                ("mentor", lambda: mentor_for_email(row.get("mentor"))),
                ("name", lambda: plain_text(row.get("name"), field="name", max_length=150, required=False)),
            ):
                try:
                    values[field] = read()
                except ValidationError as error:
                    for key, messages in error.message_dict.items():
                        errors.setdefault(key, []).extend(messages)
            if errors:
                raise ValidationError(errors)
            self._check_repeat(values["email"], row_number)
            if self.user is None:
                raise ValidationError(gettext("Who imports the file is not known."))
            done = services.learner_onboard(
                name=values["name"],
                email=values["email"],
                cohort=values["cohort"],
                mentor=values["mentor"],
                invited_by=self.user,
            )
        except ValidationError as error:
            row_result.import_type = RowResult.IMPORT_TYPE_INVALID
            row_result.validation_error = error
            return row_result
        if done.account_created or done.enrolment.created:
            row_result.import_type = RowResult.IMPORT_TYPE_NEW
        elif done.changed:
            row_result.import_type = RowResult.IMPORT_TYPE_UPDATE
        else:
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
        mentor = values["mentor"]
        row_result.diff = [
            done.user.name,
            done.user.email,
            values["cohort"].name,
            mentor.email if mentor else "",
            done.summary,
        ]
        row_result.instance = done.invitation
        row_result.object_id = done.invitation.pk
        row_result.object_repr = str(done.invitation)
        return row_result
