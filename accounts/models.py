from collections.abc import Sequence
from typing import Any

from allauth.account.models import EmailAddress as AllauthEmailAddress
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import Group as AuthGroup
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Coalesce, Concat, NullIf, Trim
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import TokenProxy

from accounts.names import validate_name
from accounts.timezones import validate_timezone


class User(AbstractUser):
    """The project's user: a learner, a mentor (member of the Mentors group) or staff."""

    MENTOR_GROUP = "Mentors"

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    name = models.CharField(
        _("display name"),
        max_length=150,
        blank=True,
        validators=[validate_name],
        help_text=_("How the site and mentors show this person; empty: their full name, else a number."),
    )
    # AbstractUser's, with the same rule: the full name stands in for an empty display name.
    first_name = models.CharField(_("first name"), max_length=150, blank=True, validators=[validate_name])
    last_name = models.CharField(_("last name"), max_length=150, blank=True, validators=[validate_name])
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text=_("Every date and time the site and its e-mails show this person is in this zone."),
    )
    language = models.CharField(
        _("language"),
        max_length=16,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_(
            "The site's and e-mails' language: the browser's (Accept-Language) at sign-up; empty: the "
            "browser's on each visit."
        ),
    )
    weekly_email_weekday = models.PositiveSmallIntegerField(
        _("weekly e-mails on"), choices=Weekday.choices, default=Weekday.MONDAY
    )
    weekly_email_hour = models.PositiveSmallIntegerField(
        _("weekly e-mails at (hour)"),
        default=8,
        validators=[MinValueValidator(0), MaxValueValidator(23)],
    )
    # Stored next send times of the weekly streams (accounts/weekly.py), picked by the quarter-hourly
    # beat: the learner's reminder and the mentor's digest; `…_ran_at` is when each last ran.
    reminder_due_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    reminder_ran_at = models.DateTimeField(null=True, blank=True, editable=False)
    digest_due_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    digest_ran_at = models.DateTimeField(null=True, blank=True, editable=False)

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The one way a person is shown: the name they gave, else their full name, else "Unnamed user
        #<id>" — never their e-mail address (nor the username, often made from it), which the product
        shows only where it is labelled as one."""
        return self.name.strip() or self.get_full_name().strip() or unnamed_label(self.pk)

    @property
    def greeting_name(self) -> str:
        """How e-mails greet the person: their display name, never their e-mail address."""
        return greeting_name_of(name=self.name, first_name=self.first_name, last_name=self.last_name)

    @property
    def roles(self) -> list[str]:
        """What the account may do: anyone can learn; mentors and staff have more pages."""
        return ["learner"] + ["mentor"] * self.is_mentor + ["staff"] * self.is_staff

    @cached_property
    def is_mentor(self) -> bool:
        """Member of the Mentors group (asked once per request: pages check it for the menu)."""
        return self.groups.filter(name=self.MENTOR_GROUP).exists()

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Saving a new password (a change, a reset, admin's form, `changepassword`: everything that
        calls `set_password`) revokes the user's API token, as it ends their other sessions: whoever
        learnt the old password may have obtained one."""
        password_changed = self._password is not None  # type: ignore[attr-defined]
        super().save(*args, **kwargs)
        if password_changed:
            from rest_framework.authtoken.models import Token

            Token.objects.filter(user=self).delete()

    @cached_property
    def is_learner(self) -> bool:
        """Has enrolled in the curriculum (now or before): the learner's pages are theirs."""
        return self.enrolments.exists()  # type: ignore[attr-defined]

    @property
    def has_learner_pages(self) -> bool:
        """The learner's pages and learning settings are in their menus: learners', and those of mentors
        and staff who follow the curriculum too (`is_learner` is asked only of them)."""
        return (not self.is_mentor and not self.is_staff) or self.is_learner

    @cached_property
    def unread_notice_count(self) -> int:
        """How many of the user's notices are unread: the header's bell. The session's user is loaded
        with it (accounts.backends, no query of its own); otherwise one query."""
        return self.notices.filter(read_at__isnull=True).count()  # type: ignore[attr-defined]


# Proxies that put what belongs to accounts (e-mail addresses, groups, API tokens) in the admin's one
# "Accounts" section, beside the users, instead of three sections of their own apps.
class EmailAddress(AllauthEmailAddress):
    class Meta:
        proxy = True
        verbose_name = _("e-mail address")
        verbose_name_plural = _("e-mail addresses")


class Group(AuthGroup):
    class Meta:
        proxy = True
        verbose_name = _("group")


class ApiToken(TokenProxy):  # DRF's proxy: its admin addresses a token by its user's id
    class Meta:
        proxy = True
        verbose_name = _("API token")


def greeting_name_of(*, name: str, first_name: str, last_name: str) -> str:
    """`User.greeting_name` from the three fields, for senders that read them as values (the weekly
    reminders: 500 learners a batch): the name they gave, else their full name (`get_full_name`), else
    "there"."""
    return name.strip() or f"{first_name} {last_name}".strip() or "there"


UNNAMED = "Unnamed user"


def unnamed_label(pk: int | None) -> str:
    """How a person who gave no name is shown (`User.display_name`'s last resort): by their account's
    number, so that two of them can be told apart — never by their e-mail address."""
    return f"{UNNAMED} #{pk}" if pk else UNNAMED


def display_name_expression(prefix: str = "") -> Coalesce:
    """`User.display_name` in SQL (for sorting lists of users); `prefix` is the path to the user, e.g.
    "learner__"."""
    full_name = Trim(Concat(F(f"{prefix}first_name"), Value(" "), F(f"{prefix}last_name")))
    return Coalesce(
        NullIf(Trim(F(f"{prefix}name")), Value("")),
        NullIf(full_name, Value("")),
        Concat(Value(f"{UNNAMED} #"), Cast(F(f"{prefix}id"), output_field=CharField())),
        output_field=CharField(),
    )


PERSON_NAME_FIELDS = ("name", "first_name", "last_name", "id")
"""What `display_name_of` reads: a list reads these values of each person (prefixed: "mentor__name"…)."""


def display_name_of(fields: Sequence[Any]) -> str:
    """`User.display_name` of a user read as the values of `PERSON_NAME_FIELDS` ("" for a deleted user:
    all None). The rule stays the model's: a user made of these fields applies it."""
    if fields[-1] is None:
        return ""
    return User(**dict(zip(PERSON_NAME_FIELDS, fields, strict=True))).display_name
