# Rounds: one image for `rounds serve` (the default command) and `rounds worker`; compose.yaml runs both.
#   docker build -t rounds .
#   docker compose up          # PostgreSQL + serve + worker, settings from .env (see README, "Docker")
ARG PYTHON_IMAGE=python:3.11-slim

# ---- builder: the locked runtime dependencies, each file checked against its hash, then Rounds itself
FROM ${PYTHON_IMAGE} AS builder
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/rounds
# requirements-runtime.lock: the same pins as requirements.lock, without the developer tools.
COPY requirements-runtime.lock /tmp/requirements-runtime.lock
RUN /opt/rounds/bin/pip install --require-hashes -r /tmp/requirements-runtime.lock
COPY pyproject.toml README.md /src/
COPY bot /src/bot
COPY workflows /src/workflows
COPY integrations /src/integrations
COPY migrations /src/migrations
RUN /opt/rounds/bin/pip install --no-deps /src

# ---- the image: the venv only, run as a user without privileges
FROM ${PYTHON_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/opt/rounds/bin:$PATH \
    DATABASE_URL=sqlite:////data/rounds.sqlite3 PORT=3000
RUN useradd --create-home --uid 10001 rounds && mkdir -p /data && chown rounds /data
COPY --from=builder /opt/rounds /opt/rounds
USER rounds
WORKDIR /home/rounds
EXPOSE 3000
VOLUME ["/data"]
# For `rounds serve`; compose.yaml gives the worker its own check (a recent heartbeat).
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD rounds healthcheck --url "http://127.0.0.1:${PORT}/healthz"
CMD ["rounds", "serve"]
