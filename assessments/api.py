"""Quizzes and submissions over the API; the same selectors and services as the pages."""

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from assessments import services
from assessments.models import Quiz, Submission
from assessments.review import review_for
from assessments.selectors import (
    can_review,
    quizzes_published,
    submission_with_answers,
    submissions_visible_to,
)
from assessments.serializers import (
    AnswerReviewSerializer,
    QuizSerializer,
    SubmissionCreateSerializer,
    SubmissionResultSerializer,
    SubmissionSerializer,
)
from lms.api import IDEMPOTENCY_KEY
from lms.idempotency import request_key_of


@extend_schema(
    summary="Published quizzes (without answer keys)",
    parameters=[OpenApiParameter("week", OpenApiTypes.INT, description="Only this week's quizzes.")],
)
class QuizListView(generics.ListAPIView):
    serializer_class = QuizSerializer

    def get_queryset(self) -> QuerySet[Quiz]:
        quizzes = quizzes_published()
        week = self.request.query_params.get("week", "")
        if week:
            if not week.isdigit():
                return quizzes.none()
            quizzes = quizzes.filter(week__number=int(week))
        return quizzes


@extend_schema(summary="A published quiz (without answer keys)")
class QuizDetailView(generics.RetrieveAPIView):
    serializer_class = QuizSerializer

    def get_queryset(self) -> QuerySet[Quiz]:
        return quizzes_published()


class SubmissionListView(generics.ListAPIView):
    serializer_class = SubmissionSerializer

    def get_queryset(self) -> QuerySet[Submission]:
        return submissions_visible_to(user=self.request.user).order_by("-submitted_at", "-id")  # type: ignore[arg-type]

    @extend_schema(summary="My submissions (a mentor's include their mentees'), newest first")
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Submit answers to a quiz",
        request=SubmissionCreateSerializer,
        responses={201: SubmissionSerializer},
        description="Saved as pending and graded in the background: poll the submission until its "
        "status is graded (or needs_review). Invalid answers: 400 with messages by field "
        "(quiz, answers, question_<id>), and nothing is saved. With an Idempotency-Key header, a "
        "retry with the same key answers with the first submission and saves nothing more.",
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request) -> Response:
        serializer = SubmissionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        submission = services.submission_create(
            learner=request.user,  # type: ignore[arg-type]
            quiz=serializer.validated_data["quiz"],
            answers=serializer.validated_data["answers"],
            request_key=request_key_of(request),
        )
        return Response(SubmissionSerializer(submission).data, status=status.HTTP_201_CREATED)


def visible_submission(request: Request, pk: int) -> Submission:
    try:
        return submission_with_answers(user=request.user, submission_id=pk)  # type: ignore[arg-type]
    except Submission.DoesNotExist as error:
        raise Http404(gettext("No such submission.")) from error


def result_data(request: Request, submission: Submission) -> dict:
    review = review_for(viewer=request.user, submission=submission)  # type: ignore[arg-type]
    return SubmissionResultSerializer(submission, context={"review": review}).data


class SubmissionDetailView(generics.GenericAPIView):
    serializer_class = SubmissionResultSerializer

    @extend_schema(
        summary="A submission's result; its review as the quiz's review options allow",
        description="Right/wrong per question, the correct answers and the explanations appear as the "
        "quiz's review options say: by default right/wrong after each graded attempt, the answer key and "
        "explanations once the learner passed or used every attempt. The learner's mentor and staff see "
        "all of a graded attempt.",
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(result_data(request, visible_submission(request, pk)))


class AnswerReviewView(generics.GenericAPIView):
    serializer_class = AnswerReviewSerializer

    @extend_schema(
        summary="Grade a free-text answer",
        request=AnswerReviewSerializer,
        responses={200: SubmissionResultSerializer},
        description="For the learner's current mentor or staff (others who can see the submission: "
        "403). Once no answer waits for review, the submission is graded with its final score and "
        "the review appears. An answer that is not free text, or a submission that is not "
        "waiting for a review: 400.",
    )
    def post(self, request: Request, pk: int, answer_id: int) -> Response:
        submission = visible_submission(request, pk)
        answer = next((a for a in submission.answers.all() if a.pk == answer_id), None)
        if answer is None:
            raise Http404(gettext("No such answer in this submission."))
        if not can_review(user=request.user, submission=submission):  # type: ignore[arg-type]
            raise PermissionDenied(gettext("Only the learner's mentor or staff can review this answer."))
        serializer = AnswerReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.answer_review(
            reviewer=request.user,  # type: ignore[arg-type]
            answer=answer,
            points=serializer.validated_data["points"],
            feedback=serializer.validated_data["feedback"],
        )
        return Response(result_data(request, visible_submission(request, pk)))
