# cspplan's production image: gunicorn started by scripts/serve.
#   docker build -t cspplan .
#   docker run -e DEBUG=false -e SECRET_KEY=... -e ALLOWED_HOSTS=... -e DATABASE_URL=... \
#       -e REDIS_URL=... -e HTTPS=true -p 8000:8000 cspplan
# The worker is the same image with another command: python manage.py run_worker
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint draws PDFs with Pango (and HarfBuzz for font subsets); PDFs are set in Liberation
# Sans (Arial's metrics), with Noto for other scripts and emoji, as scripts/test expects.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
        fonts-liberation fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Exactly the pinned, hashed versions the tests ran against; a changed file is refused.
COPY requirements.lock .
RUN pip install --require-hashes -r requirements.lock

COPY . .
# scripts/_env.sh makes or reuses a virtual environment in .venv: point it at the image's
# Python, whose packages were installed from the same lock just above.
RUN python -m venv --system-site-packages --without-pip .venv \
    && cp requirements.lock .venv/.lock-installed \
    && useradd --system --home-dir /app --no-create-home cspplan \
    && mkdir -p staticfiles media \
    && chown -R cspplan:cspplan staticfiles media

USER cspplan
# Listens on every interface inside the container; the port is published by docker/compose.
ENV BIND=0.0.0.0:8000
EXPOSE 8000
CMD ["scripts/serve"]
