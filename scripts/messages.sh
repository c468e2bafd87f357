#!/usr/bin/env bash
# The translation catalogues (locale/<language>/LC_MESSAGES/django.po and djangojs.po): extract every marked
# string of the project's templates, Python and scripts into them (new strings arrive untranslated, strings
# gone from the code leave), then compile the .mo files the site reads (committed: running the site needs
# no gettext). Needs GNU gettext (msgfmt, xgettext, msgmerge). Languages: the arguments, default every
# language of settings.LANGUAGES but English (the source language). tests/test_translations.py runs the
# same extraction on a copy and fails on any string not translated.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-.venv/bin/python}
# What is not the product's own text: the virtualenv, vendored code, tests, benchmarks, collected files, docs.
IGNORED=(-i '.venv/*' -i 'vendor/*' -i 'tests/*' -i 'bench/*' -i 'staticfiles/*' -i 'docs/*' -i 'node_modules/*' -i 'media/*')

if [ "$#" -gt 0 ]; then
  languages=("$@")
else
  mapfile -t languages < <(DJANGO_SETTINGS_MODULE=lms.settings "$PYTHON" -c \
    'import django; django.setup(); from django.conf import settings; print("\n".join(code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE))')
fi

for language in "${languages[@]}"; do
  "$PYTHON" manage.py makemessages -l "$language" --add-location file --no-obsolete "${IGNORED[@]}"
  "$PYTHON" manage.py makemessages -d djangojs -l "$language" --add-location file --no-obsolete "${IGNORED[@]}"
  "$PYTHON" manage.py compilemessages -l "$language" -i .venv -i vendor
done
