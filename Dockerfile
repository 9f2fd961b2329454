# Production image: the web app, the Celery worker and beat all run from it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    JIUZHU_VAR_DIR=/app/var JIUZHU_MEDIA_ROOT=/app/var/media

# WeasyPrint needs Pango; Chinese PDFs need a CJK font. Nothing is fetched at run time.
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 \
    libharfbuzz-subset0 \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY . .
RUN useradd --system --uid 1000 --home /app jiuzhu \
 && mkdir -p /app/var/media /app/staticfiles && chown -R jiuzhu /app/var /app/staticfiles
USER jiuzhu
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--threads", "4"]
