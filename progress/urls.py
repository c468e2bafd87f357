from django.urls import path

from progress import views

app_name = "progress"

urlpatterns = [
    path("enrol/", views.enrol, name="enrol"),
    path("schedule/replan/", views.replan, name="replan"),
    path("schedule/replan/undo/", views.replan_undo, name="replan-undo"),
    path("enrolment/pause/", views.pause, name="pause"),
    path("enrolment/resume/", views.resume, name="resume"),
    path("enrolment/pace/", views.pace_change, name="pace"),
    path("enrolment/leave/", views.leave, name="leave"),
    path("settings/", views.learner_settings, name="settings"),
    path("settings/calendar/rotate/", views.calendar_rotate, name="calendar-rotate"),
    path("calendar/<slug:token>.ics", views.calendar_feed, name="calendar-feed"),
]
