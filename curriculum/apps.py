from django.apps import AppConfig


class CurriculumConfig(AppConfig):
    name = "curriculum"
    verbose_name = "Curriculum"

    def ready(self) -> None:
        from curriculum.models import Phase, Resource, Week
        from lms import page_cache

        for model in (Phase, Week, Resource):
            page_cache.watch(model)
