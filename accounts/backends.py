"""Authentication backends that load the user together with their mentor flag (one query, not two).

Every page asks `user.is_mentor` for its menu; answering it from the session's user query keeps
page query counts flat.
"""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef

from accounts.models import User


class MentorFlagMixin:
    def get_user(self, user_id: int) -> User | None:
        mentors = Group.objects.filter(name=User.MENTOR_GROUP, user=OuterRef("pk"))
        user = User._default_manager.annotate(in_mentor_group=Exists(mentors)).filter(pk=user_id).first()
        if user is None or not self.user_can_authenticate(user):  # type: ignore[attr-defined]
            return None
        user.__dict__["is_mentor"] = user.in_mentor_group  # type: ignore[attr-defined]
        return user


class ModelBackendWithMentorFlag(MentorFlagMixin, ModelBackend):
    pass


class AllauthBackendWithMentorFlag(MentorFlagMixin, AuthenticationBackend):
    pass
