from django.urls import path

from credentials import api

urlpatterns = [
    path("me/certificates/", api.MyCertificateList.as_view(), name="api-my-certificates"),
    path("me/portfolio/", api.MyPortfolioView.as_view(), name="api-my-portfolio"),
    path(
        "credentials/<str:public_id>/", api.CertificateVerification.as_view(), name="api-certificate-verify"
    ),
]
