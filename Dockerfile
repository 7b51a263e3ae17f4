FROM python:3.11-slim

# DEBUG off unless said otherwise: the image refuses to start without a real SECRET_KEY.
ENV DEBUG=0 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    STATIC_ROOT=/app/staticfiles

WORKDIR /app
RUN useradd --system --create-home --home-dir /home/factcheck factcheck

COPY pyproject.toml README.md ./
COPY factcheck ./factcheck
COPY claims ./claims
COPY templates ./templates
COPY manage.py ./
RUN pip install . \
    && ALLOWED_HOSTS=build SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
       python manage.py collectstatic --noinput \
    && mkdir -p /app/media \
    && chown -R factcheck /app

USER factcheck
EXPOSE 8000
CMD ["gunicorn", "factcheck.wsgi", "--config", "python:factcheck.gunicorn"]
