# chibo in a container: `docker compose up -d` (see compose.yaml and docs/deploy.md).
# Two stages: uv installs the locked dependencies and chibo itself into /app/.venv; the final
# image is python:slim with that venv, pg_dump for `chibo backup`, and a non-root user.

FROM python:3.11-slim-bookworm AS build
RUN pip install --no-cache-dir "uv>=0.5,<1"
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never
WORKDIR /app
# Dependencies first: this layer is rebuilt only when uv.lock changes.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY bot ./bot
COPY handlers ./handlers
COPY models ./models
COPY migrations ./migrations
# chibo itself, not editable: the runtime image needs only the venv.
RUN uv sync --frozen --no-dev --no-editable

FROM python:3.11-slim-bookworm
# pg_dump / pg_restore (15, as compose.yaml's PostgreSQL) for `chibo backup` and `restore`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /data --create-home chibo
COPY --from=build --chown=root:root /app/.venv /app/.venv
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    MPLCONFIGDIR=/tmp/matplotlib \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8080
WORKDIR /data
USER chibo
EXPOSE 8080
ENTRYPOINT ["chibo"]
CMD ["run"]
