"""Authentication backends that load the request's user together with their mentor flag (one query, not
two): every page asks `user.is_mentor` for its menu."""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef

from accounts.models import User


def user_with_mentor_flag(pk: int | str) -> User | None:
    """The user with `is_mentor` and `is_learner` answered by the same query (the menu asks both)."""
    memberships = User.groups.through.objects.filter(user_id=OuterRef("pk"), group__name=User.MENTOR_GROUP)
    # Enrolments by the reverse relation's model: accounts imports no app above it.
    enrolments = User._meta.get_field("enrolments").related_model._default_manager.filter(  # type: ignore[union-attr]
        learner_id=OuterRef("pk")
    )
    user = (
        User._default_manager.annotate(in_mentor_group=Exists(memberships), enrolled=Exists(enrolments))
        .filter(pk=pk)
        .first()
    )
    if user is not None:
        user.__dict__["is_mentor"] = user.in_mentor_group  # type: ignore[attr-defined]
        user.__dict__["is_learner"] = user.enrolled  # type: ignore[attr-defined]
    return user


class MentorFlagMixin:
    def get_user(self, user_id: int | str) -> User | None:
        try:
            user = user_with_mentor_flag(user_id)
        except (TypeError, ValueError):
            return None
        if user is None or not self.user_can_authenticate(user):  # type: ignore[attr-defined]
            return None
        return user


class ModelBackendWithMentorFlag(MentorFlagMixin, ModelBackend):
    pass


class AllauthBackendWithMentorFlag(MentorFlagMixin, AuthenticationBackend):
    pass
