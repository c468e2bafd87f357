from typing import Any

from django.apps import AppConfig
from django.core.management.color import no_style
from django.db import connections
from django.db.models.signals import post_delete, post_save


class AssessmentsConfig(AppConfig):
    name = "assessments"

    def ready(self) -> None:
        from assessments.models import Choice, Question, Quiz

        for model in (Quiz, Question, Choice):
            post_save.connect(
                sequence_follow_fixture, sender=model, dispatch_uid=f"sequence-{model.__name__}"
            )
        for model in (Question, Choice):
            for signal in (post_save, post_delete):
                signal.connect(answer_key_changed, sender=model, dispatch_uid=f"key-{model.__name__}")


def sequence_follow_fixture(sender: Any, raw: bool = False, using: str = "default", **kwargs: Any) -> None:
    """After a fixture row is saved with its own primary key, move the table's id sequence past it.

    `manage.py loaddata` does this at the end of a load, but `load_curriculum` saves the deserialized
    rows itself; without it, the next quiz created in admin would collide with a fixture's id
    (PostgreSQL). A no-op on SQLite, whose ids follow the table's maximum anyway.
    """
    if not raw:
        return
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), [sender])
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def answer_key_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A question or choice was saved or deleted: renew its quiz's answer-key version (graders' caches).

    Queryset .update()/.delete() send no signals: change quiz content through models (admin, fixtures).
    """
    import uuid

    from assessments.models import Choice, Question, Quiz

    if isinstance(instance, Choice):
        quizzes = Quiz.objects.filter(
            pk__in=Question.objects.filter(pk=instance.question_id).values("quiz_id")
        )
    else:
        quizzes = Quiz.objects.filter(pk=instance.quiz_id)
    quizzes.update(answer_key_version=uuid.uuid4())
