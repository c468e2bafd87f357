FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client curl bubblewrap \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
# collectstatic needs settings but no database or real secret.
RUN SECRET_KEY=build-only DATABASE_URL=sqlite:////tmp/build.db python manage.py collectstatic --noinput -v0

# /tmp/lms-uploads: FILE_UPLOAD_TEMP_DIR (made by the settings at build time, as root): the app writes it.
RUN useradd --create-home lms && mkdir -p /app/media /tmp/lms-uploads && chown -R lms /app /tmp/lms-uploads
USER lms
EXPOSE 8000
# gunicorn.conf.py: WEB_CONCURRENCY workers (default 3), access log on stdout.
CMD ["gunicorn", "lms.wsgi:application", "--bind", "0.0.0.0:8000"]
