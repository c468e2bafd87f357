from django.urls import path

from gradebook import views

app_name = "gradebook"

urlpatterns = [
    path("my/progress/", views.my_progress, name="mine"),
    path("learners/<int:enrolment_id>/progress/", views.learner_progress, name="learner"),
]
