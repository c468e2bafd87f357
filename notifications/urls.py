from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<int:notice_id>/read/", views.notice_read, name="read"),
    path("read-all/", views.notices_read_all, name="read-all"),
    path("preferences/", views.preferences, name="preferences"),
]
