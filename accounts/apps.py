from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth.models import Group
        from django.db.models.signals import m2m_changed

        from accounts.models import User
        from lms import page_cache

        page_cache.watch(User, learner_ids=lambda user: [user.pk])  # the cached user; names on pages
        page_cache.watch(Group, scope=page_cache.USER_GROUPS)
        m2m_changed.connect(memberships_changed, sender=User.groups.through, dispatch_uid="page-cache:groups")


def memberships_changed(action: str, **kwargs: object) -> None:
    from lms import page_cache

    if action.startswith("post_"):
        page_cache.bump([page_cache.USER_GROUPS])
