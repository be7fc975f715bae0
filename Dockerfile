# Rounds: `docker build -t rounds . && docker run -p 3000:3000 --env-file .env rounds`
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

# Dependencies first (pinned), so code changes don't reinstall them.
COPY requirements.lock ./
RUN grep -vE '^(pytest|hypothesis|ruff|iniconfig|pluggy|sortedcontainers|attrs)==' requirements.lock > /tmp/runtime.txt \
    && pip install -r /tmp/runtime.txt && rm /tmp/runtime.txt

COPY pyproject.toml README.md ./
COPY bot ./bot
COPY workflows ./workflows
COPY integrations ./integrations
COPY migrations ./migrations
RUN pip install --no-deps . \
    && useradd --create-home --uid 10001 rounds \
    && mkdir -p /data && chown rounds /data

USER rounds
ENV DATABASE_URL=sqlite:////data/rounds.sqlite3 PORT=3000
EXPOSE 3000
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\", \"3000\")}/healthz', timeout=4)"
CMD ["rounds", "serve"]
