from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Personal data: exports and account deletion"

    def ready(self) -> None:
        from privacy import receivers

        receivers.connect()
