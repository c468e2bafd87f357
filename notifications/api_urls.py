from django.urls import path

from notifications import api

urlpatterns = [
    path("me/notices/", api.NoticeList.as_view(), name="api-notice-list"),
    path("me/notices/unread-count/", api.NoticeUnreadCount.as_view(), name="api-notice-unread-count"),
    path("me/notices/read-all/", api.NoticesReadAll.as_view(), name="api-notice-read-all"),
    path("me/notices/<int:notice_id>/read/", api.NoticeRead.as_view(), name="api-notice-read"),
]
