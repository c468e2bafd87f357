from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class AssessmentsConfig(AppConfig):
    name = "assessments"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from assessments.models import Answer, Choice, Question, Submission

        # Audit trail (admin: Log entries): who changed a grade, and when. The worker's automatic
        # grading writes with UPDATE (no signals, no entries); saves by people (reviews, admin) are logged.
        auditlog.register(Submission, include_fields=["status", "score", "percent", "passed", "graded_at"])
        auditlog.register(Answer, include_fields=["awarded_points", "is_correct", "feedback", "reviewed_by"])

        from progress.signals import enrolment_saved

        enrolment_saved.connect(enrolment_saved_refresh_record, dispatch_uid="quiz-record-enrolment")
        for model in (Question, Choice):
            for signal in (post_save, post_delete):
                signal.connect(answer_key_changed, sender=model, dispatch_uid=f"key-{model.__name__}")


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


def enrolment_saved_refresh_record(*, enrolment_id: int, **kwargs: Any) -> None:
    """An enrolment began or ended: the learner's attempts that count changed (assessments.attempts), so
    their stored quiz record — the mentor's figures — is recomputed."""
    from assessments.models import Submission
    from assessments.records import quiz_record_refresh
    from progress.models import Enrolment

    learner_id = Enrolment.objects.filter(pk=enrolment_id).values_list("learner_id", flat=True).first()
    # A learner who never took a quiz has no record (the mentor's table shows a dash), and keeps none.
    if learner_id is not None and Submission.objects.filter(learner_id=learner_id).exists():
        quiz_record_refresh(learner_ids=[learner_id])
