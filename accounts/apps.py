from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from accounts.models import User
        from lms import page_cache

        page_cache.watch(User, learner_ids=lambda user: [user.pk])  # names on mentors' pages
