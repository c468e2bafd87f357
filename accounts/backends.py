"""Authentication backends that load the request's user together with their mentor flag (one query, not
two): every page asks `user.is_mentor` for its menu."""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.models import User


def user_with_mentor_flag(pk: int | str) -> User | None:
    """The user with `is_mentor`, `is_learner` and `unread_notice_count` answered by the same query (the
    menu asks the first two, the header's bell the third: no page pays a query for them)."""
    memberships = User.groups.through.objects.filter(user_id=OuterRef("pk"), group__name=User.MENTOR_GROUP)
    # Enrolments by the reverse relation's model: accounts imports no app above it.
    enrolments = User._meta.get_field("enrolments").related_model._default_manager.filter(  # type: ignore[union-attr]
        learner_id=OuterRef("pk")
    )
    # Notices likewise (notifications knows no other app; accounts imports none above it).
    unread = (
        User._meta.get_field("notices")
        .related_model._default_manager.filter(  # type: ignore[union-attr]
            recipient_id=OuterRef("pk"), read_at__isnull=True
        )
        .order_by()
        .values("recipient_id")
        .annotate(count=Count("*"))
        .values("count")
    )
    user = (
        User._default_manager.annotate(
            in_mentor_group=Exists(memberships),
            enrolled=Exists(enrolments),
            unread_notices=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)),
        )
        .filter(pk=pk)
        .first()
    )
    if user is not None:
        user.__dict__["is_mentor"] = user.in_mentor_group  # type: ignore[attr-defined]
        user.__dict__["is_learner"] = user.enrolled  # type: ignore[attr-defined]
        user.__dict__["unread_notice_count"] = user.unread_notices  # type: ignore[attr-defined]
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
