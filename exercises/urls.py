from django.urls import path

from exercises import views

app_name = "exercises"

urlpatterns = [
    path("<int:pk>/", views.exercise_page, name="exercise"),
    path("<int:pk>/run/", views.run_create, name="run-create"),
    path("runs/<int:pk>/", views.run_page, name="run"),
    path("learners/<int:enrolment_id>/", views.learner_runs, name="learner-runs"),
]
