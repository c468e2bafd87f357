from django.urls import path

from assessments import api

urlpatterns = [
    path("quizzes/", api.QuizListView.as_view(), name="api-quiz-list"),
    path("quizzes/<int:pk>/", api.QuizDetailView.as_view(), name="api-quiz-detail"),
    path("submissions/", api.SubmissionListView.as_view(), name="api-submission-list"),
    path("submissions/<int:pk>/", api.SubmissionDetailView.as_view(), name="api-submission-detail"),
    path(
        "submissions/<int:pk>/answers/<int:answer_id>/review/",
        api.AnswerReviewView.as_view(),
        name="api-answer-review",
    ),
]
