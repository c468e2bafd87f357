"""Authentication backends that load the user together with their mentor flag (one query, not two),
and keep it in the shared cache between requests.

Every page asks `user.is_mentor` for its menu; answering it from the session's user query keeps
page query counts flat.
"""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from accounts.models import User
from lms import page_cache

USER_WITH_MENTOR_FLAG = f"""
    SELECT u.*, EXISTS (
        SELECT 1 FROM {User.groups.through._meta.db_table} ug
        JOIN {Group._meta.db_table} g ON g.id = ug.group_id
        WHERE ug.user_id = u.id AND g.name = %s
    ) AS in_mentor_group
    FROM {User._meta.db_table} u WHERE u.id = %s
"""  # table names from the models; values only as parameters


# The user of every request is read from the shared cache, made stale by any save of the user and
# any change of groups (lms.page_cache); the time limit bounds what a write that bypasses signals
# (a queryset .update() of users, which this project does not do) could leave stale.
CACHED_USER_SECONDS = 300


def _cached_user(pk: int) -> tuple[str, list[str]]:
    return f"auth-user:{pk}", [page_cache.learner_scope(pk), page_cache.USER_GROUPS]


def cached_user_keys(pk: int) -> list[str]:
    """The cache keys loading this user reads (lms.prefetch reads them with the session)."""
    key, scopes = _cached_user(pk)
    return page_cache.lookup_keys(page_cache.value_entry_key(key), scopes)


def user_with_mentor_flag(pk: int) -> User | None:
    user = next(iter(User._default_manager.raw(USER_WITH_MENTOR_FLAG, [User.MENTOR_GROUP, pk])), None)
    if user is not None:
        user.__dict__["is_mentor"] = user.in_mentor_group  # type: ignore[attr-defined]
    return user


class MentorFlagMixin:
    def get_user(self, user_id: int | str) -> User | None:
        try:
            pk = User._meta.pk.to_python(user_id)  # type: ignore[union-attr]
        except ValidationError:
            return None
        key, scopes = _cached_user(pk)
        user = page_cache.cached_value(
            key,
            scopes=scopes,
            load=lambda: user_with_mentor_flag(pk),
            seconds=CACHED_USER_SECONDS,
        )
        if user is None or not self.user_can_authenticate(user):  # type: ignore[attr-defined]
            return None
        return user


class ModelBackendWithMentorFlag(MentorFlagMixin, ModelBackend):
    pass


class AllauthBackendWithMentorFlag(MentorFlagMixin, AuthenticationBackend):
    pass
