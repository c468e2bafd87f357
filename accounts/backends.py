"""Authentication backends that load the user together with their mentor flag (one query, not two).

Every page asks `user.is_mentor` for its menu; answering it from the session's user query keeps
page query counts flat.
"""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from accounts.models import User

USER_WITH_MENTOR_FLAG = f"""
    SELECT u.*, EXISTS (
        SELECT 1 FROM {User.groups.through._meta.db_table} ug
        JOIN {Group._meta.db_table} g ON g.id = ug.group_id
        WHERE ug.user_id = u.id AND g.name = %s
    ) AS in_mentor_group
    FROM {User._meta.db_table} u WHERE u.id = %s
"""  # table names from the models; values only as parameters


class MentorFlagMixin:
    def get_user(self, user_id: int | str) -> User | None:
        # Runs for every request of a logged-in user: one raw query with the flag, no ORM compilation.
        try:
            pk = User._meta.pk.to_python(user_id)  # type: ignore[union-attr]
        except ValidationError:
            return None
        user = next(iter(User._default_manager.raw(USER_WITH_MENTOR_FLAG, [User.MENTOR_GROUP, pk])), None)
        if user is None or not self.user_can_authenticate(user):  # type: ignore[attr-defined]
            return None
        user.__dict__["is_mentor"] = user.in_mentor_group  # type: ignore[attr-defined]
        return user


class ModelBackendWithMentorFlag(MentorFlagMixin, ModelBackend):
    pass


class AllauthBackendWithMentorFlag(MentorFlagMixin, AuthenticationBackend):
    pass
