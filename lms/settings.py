"""Settings, read from the environment.

Defaults are the *embedded* set-up (SQLite, tasks run in-process, console e-mail) so that
`manage.py runserver` works with nothing else installed, while everything that matters for
security defaults to the production value: DEBUG is off unless asked for, and then SECRET_KEY
must be given.
"""

from pathlib import Path
from tempfile import gettempdir
from typing import Any

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from lms.settings_api import SPECTACULAR_SETTINGS as SPECTACULAR_SETTINGS
from lms.settings_api import rest_framework
from lms.settings_sso import social_providers

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# A local run over plain HTTP (the run command; DEBUG implies it): development keys, localhost, cookies
# without HTTPS, optional e-mail verification, static files from the source folders, demo accounts.
LOCAL = env.bool("LOCAL", default=DEBUG)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not LOCAL:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (unless LOCAL=true, for a local run)."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"] if LOCAL else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The site's address, the one source of every absolute link (e-mails, the calendar feed and its events):
# they are read away from any request. The run command sets it from its PORT.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The site's name, in e-mail subjects ("[AI/ML Curriculum] Confirm Your Email Address") and greetings.
SITE_NAME = env.str("SITE_NAME", default="AI/ML Curriculum")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    # Single sign-on (GitHub, Google, an organisation's OpenID Connect provider) and second factors.
    "allauth.socialaccount",
    "allauth.socialaccount.providers.github",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_celery_beat",
    "auditlog",
    "notifications",
    "accounts",
    "curriculum",
    "progress",
    "assessments",
    "cards",
    "reminders",
    "learner",
    "mentoring",
    "credentials",
    "projects",
    "exercises",
    "import_export",
    "cohorts",
    "invitations",
    "privacy",
    # The project itself, for its wiring commands (create_demo_accounts): it may import every app.
    "lms",
]

MIDDLEWARE = [
    # First: a body larger than its address accepts is refused (413) before anything reads it.
    "lms.request_limits.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy on every response (the policy is below)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lms.middleware.SharedResponsesMiddleware",  # the scripts' catalogue: one copy for everyone
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The browser's language before the user is known; then (PersonLocaleMiddleware) the person's own.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.PersonLocaleMiddleware",  # the person's language and time zone
    # Records the logged-in user as the actor of audited changes (schedules, mentors, grades).
    "auditlog.middleware.AuditlogMiddleware",
    # Cache-Control: private, no-store for logged-in users and API callers; API responses vary by token;
    # form posts with text no field can store (NUL, lone surrogates): a 400 naming the field.
    "lms.middleware.PrivateResponsesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Staff and mentors without a second factor are sent to set one up (MFA_REQUIRED_FOR_STAFF_AND_MENTORS).
    "accounts.middleware.SecondFactorRequiredMiddleware",
    # Sign-in pages may send their forms on to the configured identity providers (CSP form-action).
    "accounts.middleware.IdentityProviderMiddleware",
]

ROOT_URLCONF = "lms.urls"
# A failed CSRF check answers the site's own 403 page (Django's has an inline style the CSP blocks).
CSRF_FAILURE_VIEW = "lms.views.csrf_failure"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            "builtins": ["lms.template_tags"],
        },
    },
    {
        # Only for the parts of pages hot enough to earn it (lms/jinja2.py); pages are Django templates.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],  # the layout's header (templates/base.html)
        "APP_DIRS": True,
        "OPTIONS": {"environment": "lms.jinja2.environment"},
    },
]

# --- Database ---------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Opening a connection per request costs ~10x throughput (see STACK-NOTES): keep them.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # The planner's cost of a random page read. PostgreSQL's default (4.0) models spinning disks: with
    # it, the mentor table's joins of 500 rows hash whole tables of every learner (7.3 ms) where index
    # lookups take 4-5 ms (BENCHMARKS.md). 1.1 is the usual value for SSDs and cached data. Sent as a
    # connection option; empty leaves the server's setting (a pooler that refuses options, a tuned server).
    RANDOM_PAGE_COST = env.str("DATABASE_RANDOM_PAGE_COST", default="1.1")
    # The planner's cost of handling a row, against reading a page (1.0). The default (0.01) prices a
    # cached page like a hundred rows; with every page in memory, rows are what costs: at 0.01 the mentor
    # table hashes the standings and users of every learner to sort one mentor's 500 (4.7 ms) where
    # index lookups take 1.7 ms; 0.03 picks those (BENCHMARKS.md). Empty: the server's setting.
    CPU_TUPLE_COST = env.str("DATABASE_CPU_TUPLE_COST", default="0.03")
    planner = {"random_page_cost": RANDOM_PAGE_COST, "cpu_tuple_cost": CPU_TUPLE_COST}
    if any(planner.values()):
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = " ".join(
            f"-c {name}={value}" for name, value in planner.items() if value
        )
    # Prepared statements: a page's queries repeat on every visit, and PostgreSQL spends as long parsing
    # and planning most of them as running them. With server-side binding psycopg prepares a statement
    # on a connection once it has run `prepare_threshold` times. Django leaves them off for transaction
    # poolers (PgBouncer before 1.21 cannot keep them): 0 turns them off for such a deployment.
    PREPARE_THRESHOLD = env.int("DATABASE_PREPARE_THRESHOLD", default=2)
    if PREPARE_THRESHOLD:
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=PREPARE_THRESHOLD
        )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The run command's server and its worker write one file: writers wait their turn (up to 20 s)
    # instead of failing with "database is locked", and readers never wait for them (WAL).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20,
        transaction_mode="IMMEDIATE",
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False

FORMS_URLFIELD_ASSUME_HTTPS = True
# Rate limits (logins, API throttles) and sessions need a cache shared by all web processes in production:
# Django's own Redis backend. No rendered page is cached: pages read stored state (progress.Standing).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # A Redis that does not answer must cost a request half a second, not the operating system's minutes.
    CACHES["default"].setdefault("OPTIONS", {}).update(socket_connect_timeout=0.5, socket_timeout=0.5)
SHARED_CACHE = not CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache"))
# Sessions are read from the cache and kept in the database too: with Redis down (the broker and the
# cache share one in the compose stack), learners stay logged in and their submissions are saved.
SESSION_ENGINE = "lms.sessions" if SHARED_CACHE else "django.contrib.sessions.backends.db"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "accounts.backends.ModelBackendWithMentorFlag",
    "accounts.backends.AllauthBackendWithMentorFlag",
]

# --- Internationalisation: languages, formats, time zones (lms/settings_i18n.py) -------------
from lms.settings_i18n import *  # noqa: E402, F403  (LANGUAGE_CODE, LANGUAGES, TIME_ZONE, USE_TZ …)

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if LOCAL
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_MANIFEST_STRICT = False
WHITENOISE_USE_FINDERS = LOCAL  # a local run: no collectstatic
WHITENOISE_AUTOREFRESH = LOCAL

# --- Uploaded and generated files (project attachments, certificates' PDFs) ---------------------
# Never served from a public URL: only through projects' access-checked view. Local files by default;
# S3-compatible storage (django-storages, needs boto3) when PROJECT_FILES_S3_BUCKET is set.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
if env.str("PROJECT_FILES_S3_BUCKET", default=""):
    S3_STORAGE: dict[str, Any] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("PROJECT_FILES_S3_BUCKET"),
            "endpoint_url": env.str("PROJECT_FILES_S3_ENDPOINT", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    STORAGES["default"] = S3_STORAGE
PROJECT_ATTACHMENT_EXTENSIONS = env.list(
    "PROJECT_ATTACHMENT_EXTENSIONS",
    default=[".pdf", ".png", ".jpg", ".jpeg", ".txt", ".md", ".csv", ".json", ".ipynb", ".zip"],
)
PROJECT_ATTACHMENT_MAX_BYTES = env.int("PROJECT_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Request bodies (lms/request_limits.py): any address takes this much; the attachment uploads take a
# file of PROJECT_ATTACHMENT_MAX_BYTES plus 64 KB of form (nginx's client_max_body_size: deploy/nginx).
REQUEST_BODY_MAX_BYTES = env.int("REQUEST_BODY_MAX_BYTES", default=2_621_440)
# Uploads larger than FILE_UPLOAD_MAX_MEMORY_SIZE are written to temporary files named after their
# process in this directory, no further than their limit, deleted with the request, and swept by
# gunicorn when a worker dies (lms/uploads.py, gunicorn.conf.py). The compose stack bounds it (tmpfs).
FILE_UPLOAD_TEMP_DIR = str(env.path("FILE_UPLOAD_TEMP_DIR", default=Path(gettempdir()) / "lms-uploads"))
Path(FILE_UPLOAD_TEMP_DIR).mkdir(mode=0o700, parents=True, exist_ok=True)
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "lms.uploads.BoundedTemporaryFileUploadHandler",
]
# A version waiting longer than this for a review is flagged on the mentor's queue.
PROJECT_REVIEW_WAITING_DAYS = env.int("PROJECT_REVIEW_WAITING_DAYS", default=3)

# --- Accounts (django-allauth) ----------------------------------------------------------------
SITE_ID = 1
# Signing up or logging in lands on the dashboard (which sends a learner without an enrolment to the
# enrol form, and mentors or staff who are not learners to their mentees).
LOGIN_REDIRECT_URL = "learner:dashboard"
LOGOUT_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"  # asks for a display name too (optional)
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env.str(
    "ACCOUNT_EMAIL_VERIFICATION", default="optional" if LOCAL else "mandatory"
)
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Failed log-ins (the form and the API's token endpoint; 429 with Retry-After): 10 a minute per client
# address; per account, a progressive delay that does not lock the owner out (accounts.login_delays).
# A password reset: one e-mail an address in 3 minutes (each holds a credential until it is sent).
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip", "reset_password": "20/m/ip,1/3m/key"}
# The client's address (allauth's and DRF's limits): REMOTE_ADDR, or with this many proxies of ours in
# front (each appending to X-Forwarded-For), that header's entry this many from the end. 0: ignored.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"  # the site's name in e-mails; e-mails via the outbox
ACCOUNT_USER_DISPLAY = "accounts.adapter.user_display"
# The admin logs in through the site's log-in (lms/urls.py): the same limits and second factor.
LOGIN_URL = "account_login"

# --- Single sign-on (allauth.socialaccount; accounts/README.md) --------------------------------
# A provider is offered on the log-in page once it is configured: here, from the environment, or in
# admin's "Social applications" (not both for one provider).
SOCIALACCOUNT_PROVIDERS = social_providers()  # lms/settings_sso.py
SOCIALACCOUNT_ADAPTER = "accounts.social.SocialAccountAdapter"
# A provider's address signs into the existing account that has it only when both sides verified it
# (accounts.social); anything else is a new account, or refused when the address is taken.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_EMAIL_REQUIRED = True
SOCIALACCOUNT_QUERY_EMAIL = True
SOCIALACCOUNT_STORE_TOKENS = False

# --- Second factors (allauth.mfa) -----------------------------------------------------------------
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_FORMS = {"authenticate": "accounts.second_factor_form.DelayedAuthenticateForm"}  # codes: login_delays
MFA_TOTP_ISSUER = SITE_NAME
# WebAuthn needs a secure origin; http://localhost (the run command, tests) counts as one only with this.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG or env.bool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", default=False)
# Staff and mentors (they change grades, sign phases off, edit everything) must enrol a second factor
# before they reach any other page (accounts.middleware).
MFA_REQUIRED_FOR_STAFF_AND_MENTORS = env.bool("MFA_REQUIRED_FOR_STAFF_AND_MENTORS", default=False)

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="LMS <noreply@localhost>")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)  # seconds a mail server may take to answer
# The outbox: a claim its worker has not renewed (every third of this) for this long is taken over.
EMAIL_OUTBOX_STALE_CLAIM_SECONDS = env.int("EMAIL_OUTBOX_STALE_CLAIM_SECONDS", default=30)

# --- Cohorts and invitations (cohorts/, invitations/) ------------------------------------------
# An invitation's link works this many days after it is sent (resending sends a new link).
INVITATION_LIFETIME_DAYS = env.int("INVITATION_LIFETIME_DAYS", default=14)
if INVITATION_LIFETIME_DAYS < 1:
    raise ImproperlyConfigured("INVITATION_LIFETIME_DAYS must be 1 or more.")
# The admin's CSV import of learners: the largest file and the most rows it takes at once.
INVITATION_IMPORT_MAX_BYTES = env.int("INVITATION_IMPORT_MAX_BYTES", default=2 * 1024 * 1024)
INVITATION_IMPORT_MAX_ROWS = env.int("INVITATION_IMPORT_MAX_ROWS", default=5000)

# --- Celery and its workers (lms/settings_celery.py) -----------------------------------------
from lms.settings_celery import *  # noqa: E402, F403  (every CELERY_*, HEALTH_*, SANDBOX_* setting)

# --- Credentials (certificates signed as Open Badges 3.0 VC-JWTs: see credentials/README.md) ------
# The Ed25519 private key, base64url (`manage.py credentials_keygen`); keep it secret and backed up.
CREDENTIALS_SIGNING_KEY = env.str("CREDENTIALS_SIGNING_KEY", default="")
# Public halves of keys used before (comma-separated, base64url): still published, so that credentials
# signed with them still verify after a rotation.
CREDENTIALS_PREVIOUS_PUBLIC_KEYS = env.list("CREDENTIALS_PREVIOUS_PUBLIC_KEYS", default=[])

# --- A user's data: exports and account deletion (privacy/README.md) -----------------------------
# How long a "Download my data" link works (it works once, for its user, logged in).
DATA_EXPORT_LINK_HOURS = env.int("DATA_EXPORT_LINK_HOURS", default=72)
# Days between "Delete my account" and the erasure; logging in meanwhile cancels it.
ACCOUNT_DELETION_GRACE_DAYS = env.int("ACCOUNT_DELETION_GRACE_DAYS", default=14)

# --- REST API (lms/settings_api.py) -----------------------------------------------------------------
REST_FRAMEWORK = rest_framework(trusted_proxy_count=TRUSTED_PROXY_COUNT)

# --- Security (production defaults; a local run relaxes only what local HTTP needs) ------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not LOCAL)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not LOCAL)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not LOCAL)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if LOCAL else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not LOCAL
SECURE_HSTS_PRELOAD = not LOCAL
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp 4): everything from this site only; no inline script or style
# (pages use static files; the one inline block, the standalone 500 page's style, carries the request's
# nonce); images may be data: URIs (Swagger UI's icons). Nothing is loaded from another host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
