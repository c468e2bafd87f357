"""The interface's languages, date formats and time zones, kept apart from lms/settings.py so that each
settings module stays readable; lms/settings.py imports them all.

A person's language is their choice (User.language), else the browser's Accept-Language
(LocaleMiddleware), else English; their zone is User.time_zone (accounts.middleware activates both per
request, lms.locale for every e-mail and PDF rendered for them). Dates and numbers use the formats
of lms/formats/<language>/: one date format and one date-time format per language."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["lms.formats"]
# The default zone of new accounts and of anonymous pages; each person's own is User.time_zone.
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True
