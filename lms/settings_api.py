"""The REST API's settings (Django REST framework, drf-spectacular), kept apart from lms/settings.py so
that each settings module stays readable; lms/settings.py imports them."""

from typing import Any

import environ

env = environ.Env()


def rest_framework(*, trusted_proxy_count: int) -> dict[str, Any]:
    """DRF's settings; `trusted_proxy_count` is the deployment's TRUSTED_PROXY_COUNT."""
    return {
        # Token first: its `WWW-Authenticate: Token` header makes a missing or revoked token a 401 (DRF
        # answers 403 when the first class has no such header, as session authentication has none).
        "DEFAULT_AUTHENTICATION_CLASSES": [
            # TokenAuthentication: the audit trail's actor, the person's zone and language.
            "accounts.authentication.PersonTokenAuthentication",
            "rest_framework.authentication.SessionAuthentication",
        ],
        "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
        "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
        "PAGE_SIZE": 50,
        # DRF's JSON parser refusing numbers too large for a float and absurdly deep nesting (400, not 500).
        "DEFAULT_PARSER_CLASSES": ["lms.parsers.JSONParser"],
        "DEFAULT_SCHEMA_CLASS": "lms.api.AutoSchema",
        "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
        "DEFAULT_THROTTLE_CLASSES": ["lms.throttles.WriteRateThrottle"],
        "NUM_PROXIES": trusted_proxy_count,  # None would trust any X-Forwarded-For a client sends
        "DEFAULT_THROTTLE_RATES": {
            "writes": env.str("API_WRITE_RATE", default="120/min"),
            "tokens": env.str("API_TOKEN_RATE", default="10/min"),
        },
        "EXCEPTION_HANDLER": "lms.api.api_exception_handler",
        # JSON only: the API is for scripts (its documentation is /api/docs/); the browsable API's pages
        # would need inline styles.
        "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    }


SPECTACULAR_SETTINGS = {
    "TITLE": "AI/ML curriculum LMS API",
    "DESCRIPTION": "Curriculum, schedules, progress, quizzes and mentoring for the AI/ML curriculum.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from drf-spectacular-sidecar's static files: /api/docs/ loads nothing from another host
    # (no CDN, no validator badge), so it works offline and under the Content-Security-Policy.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "lms.api.path_integers_are_natural",
    ],
    "ENUM_NAME_OVERRIDES": {
        "EnrolmentStatusEnum": "progress.models.Enrolment.Status",
        "ExerciseRunKindEnum": "exercises.models.Run.Kind",
        "ExerciseRunStatusEnum": "exercises.models.Run.Status",
        "ExerciseRunRequestKindEnum": "exercises.models.RUN_REQUEST_KINDS",
        "WeekProgressStatusEnum": "progress.models.WeekProgress.Status",
        "QuestionKindEnum": "assessments.models.Question.Kind",
        "SubmissionStatusEnum": "assessments.models.Submission.Status",
        "ResourceKindEnum": "curriculum.models.Resource.Kind",
        "CardStateEnum": "cards.models.Card.State",
        "ReviewRatingEnum": "cards.models.Review.Rating",
        "CertificateKindEnum": "credentials.models.Certificate.Kind",
        "CertificateStatusEnum": "credentials.models.Certificate.Status",
        "ProjectReviewDecisionEnum": "projects.models.Review.Decision",
        "PhaseReviewDecisionEnum": "mentoring.models.PhaseReview.Decision",
        "ProjectVersionStatusEnum": "projects.models.Version.Status",
    },
}
