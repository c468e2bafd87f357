from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # allauth's rate limits read `cache` from their module: give them the cache that keeps answering
        # while Redis does not (lms.fallback_cache), so that log-in degrades instead of answering 500.
        from allauth.core.internal import ratelimit

        from lms.fallback_cache import fallback_cache

        ratelimit.cache = fallback_cache  # type: ignore[assignment]
