from django.urls import path

from cards import api

urlpatterns = [
    path("me/cards/due/", api.DueCardListView.as_view(), name="api-my-cards-due"),
    path("me/cards/stats/", api.CardStatsView.as_view(), name="api-my-card-stats"),
    path("me/cards/<int:pk>/reviews/", api.CardReviewView.as_view(), name="api-my-card-review"),
    path("cards/<int:pk>/", api.CardDetailView.as_view(), name="api-card-detail"),
]
