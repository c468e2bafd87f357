from django.urls import path

from assessments import views

app_name = "assessments"

urlpatterns = [
    path("week/<int:number>/", views.quiz_take, name="quiz-take"),
    path("submissions/", views.submission_list, name="submission-list"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission-detail"),
    path("submissions/<int:pk>/review/", views.submission_review, name="submission-review"),
]
