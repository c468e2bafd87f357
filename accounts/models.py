from django.contrib.auth.models import AbstractUser
from django.utils.functional import cached_property


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
