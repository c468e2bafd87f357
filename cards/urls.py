from django.urls import path

from cards import views

app_name = "cards"

urlpatterns = [
    path("", views.review, name="review"),
    path("<int:card_id>/answer/", views.review_answer, name="answer"),
    path("<int:card_id>/rate/", views.review_rate, name="rate"),
    path("cards/", views.card_list, name="card-list"),
    path("cards/add/", views.card_add, name="card-add"),
    path("cards/<int:card_id>/", views.card_detail, name="card-detail"),
    path("cards/<int:card_id>/retire/", views.card_retire, name="card-retire"),
    path("settings/", views.retention_set, name="settings"),
]
