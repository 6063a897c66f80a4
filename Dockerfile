# One image for rag-events: the API and the Streamlit UI under supervisord (see docs/docker.md).
# Build with `docker compose build` (BuildKit: the cache mounts below need it).

ARG PYTHON_IMAGE=python:3.11-slim
ARG UV_IMAGE=ghcr.io/astral-sh/uv:0.13.9

FROM ${UV_IMAGE} AS uv

# --- builder: resolve the locked environment with uv ---------------------------------------
# Same base as the runtime so the venv's interpreter links stay valid once copied over.
FROM ${PYTHON_IMAGE} AS builder
COPY --from=uv /uv /uvx /bin/
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=0
WORKDIR /app

# Dependencies first, from the lock alone: editing code never invalidates this layer.
RUN --mount=type=cache,target=/root/.cache/uv \
    --mount=type=bind,source=uv.lock,target=uv.lock \
    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \
    uv sync --locked --no-install-project --no-dev

# Then the project, as an editable install: a path entry for /app and the `rag` script, built
# from its metadata alone (hatchling only needs the package to exist: its empty __init__.py).
# The code goes straight into the runtime stage, so a code edit leaves this venv, and the
# runtime's copy of it, cached.
RUN --mount=type=cache,target=/root/.cache/uv \
    --mount=type=bind,source=uv.lock,target=uv.lock \
    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \
    --mount=type=bind,source=README.md,target=README.md \
    --mount=type=bind,source=rag/__init__.py,target=rag/__init__.py \
    uv sync --locked --no-dev

# --- runtime: the venv and the code, no uv, no build tools ---------------------------------
FROM ${PYTHON_IMAGE} AS runtime
ARG APP_UID=10001
RUN groupadd --gid "${APP_UID}" app \
    && useradd --create-home --uid "${APP_UID}" --gid app app
# Everything supervisord.conf interpolates, so `supervisorctl status` works in `docker exec`.
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    RAG_DATA_DIR=/app/data \
    RAG_RUN_DIR=/tmp/rag-events \
    API_HOST=0.0.0.0 \
    API_PORT=8000 \
    UI_HOST=0.0.0.0 \
    UI_PORT=8501 \
    API_URL=http://127.0.0.1:8000 \
    RAG_SEED_DIR=/app/seed
WORKDIR /app

# Root-owned and read-only for the app user; only /app/data is writable.
COPY --from=builder /app/.venv /app/.venv
COPY pyproject.toml supervisord.conf ./
COPY rag/ ./rag/
# The demo corpus and its index, built here once (about a minute of embedding on 2 cores):
# `rag up` copies them into an empty volume (RAG_SEED_DIR), so a first start serves in
# seconds. They are generated around the build day; on another day `rag up` regenerates
# the demo around today in the background while this copy answers (docs/docker.md).
RUN python -m compileall -q rag \
    && RAG_DATA_DIR=/app/seed rag demo \
    && chmod -R a+rX /app/seed
COPY .streamlit/ ./.streamlit/
COPY ui/ ./ui/
COPY docker/ ./docker/
RUN python -m compileall -q ui \
    && mkdir -p /app/data \
    && chown app:app /app/data

VOLUME ["/app/data"]
USER ${APP_UID}:${APP_UID}
EXPOSE 8000 8501

# An empty volume is seeded from /app/seed, so the API listens within seconds: the start
# period covers that with room; afterwards ten failed checks in a row (30 s) mark it
# unhealthy. Checks every 3 s: Docker 20.10 has no --start-interval, and the first check
# is when a start can first be reported healthy.
HEALTHCHECK --interval=3s --timeout=3s --start-period=30s --retries=10 \
    CMD ["python", "/app/docker/healthcheck.py"]

ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["up"]
