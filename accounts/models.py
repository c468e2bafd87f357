from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """The project's user: a learner, a mentor (member of the Mentors group) or staff."""

    MENTOR_GROUP = "Mentors"

    def __str__(self) -> str:
        return self.get_full_name() or self.email or self.username

    @property
    def is_mentor(self) -> bool:
        return self.groups.filter(name=self.MENTOR_GROUP).exists()
