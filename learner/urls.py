from django.urls import path

from learner import views

app_name = "learner"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("schedule/", views.schedule, name="schedule"),
    path("my/weeks/<int:number>/", views.week, name="week"),
    path("my/progress/", views.my_progress, name="progress"),
    path("learners/<int:enrolment_id>/schedule/", views.learner_schedule, name="learner-schedule"),
    path("learners/<int:enrolment_id>/progress/", views.learner_progress, name="learner-progress"),
]
