from allauth.account.models import EmailAddress as AllauthEmailAddress
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import Group as AuthGroup
from django.utils.functional import cached_property
from rest_framework.authtoken.models import TokenProxy


class User(AbstractUser):
    """The project's user: a learner, a mentor (member of the Mentors group) or staff."""

    MENTOR_GROUP = "Mentors"

    def __str__(self) -> str:
        return self.get_full_name() or self.email or self.username

    @property
    def roles(self) -> list[str]:
        """What the account may do: anyone can learn; mentors and staff have more pages."""
        return ["learner"] + ["mentor"] * self.is_mentor + ["staff"] * self.is_staff

    @cached_property
    def is_mentor(self) -> bool:
        """Member of the Mentors group (asked once per request: pages check it for the menu)."""
        return self.groups.filter(name=self.MENTOR_GROUP).exists()

    @cached_property
    def is_learner(self) -> bool:
        """Has enrolled in the curriculum (now or before): the learner's pages are theirs."""
        return self.enrolments.exists()  # type: ignore[attr-defined]


# Proxies that put what belongs to accounts (e-mail addresses, groups, API tokens) in the admin's one
# "Accounts" section, beside the users, instead of three sections of their own apps.
class EmailAddress(AllauthEmailAddress):
    class Meta:
        proxy = True
        verbose_name = "e-mail address"
        verbose_name_plural = "e-mail addresses"


class Group(AuthGroup):
    class Meta:
        proxy = True
        verbose_name = "group"


class ApiToken(TokenProxy):  # DRF's proxy: its admin addresses a token by its user's id
    class Meta:
        proxy = True
        verbose_name = "API token"
