# casecheck serve in a container: every system package comes from scripts/setup.sh (--runtime),
# the same list a fresh machine gets, so the image and the set-up script cannot drift apart.
#   docker build -t casecheck .
#   docker run -p 8000:8000 -v casecheck-data:/data -e CASECHECK_TOKEN=secret casecheck
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHON=python3 \
    # Inside a container the service must listen beyond loopback for -p to reach it; set
    # CASECHECK_TOKEN when the published port is reachable by others.
    CASECHECK_HOST=0.0.0.0 \
    CASECHECK_PORT=8000 \
    CASECHECK_DATA_DIR=/data

WORKDIR /app
COPY pyproject.toml README.md requirements.lock ./
COPY scripts/ scripts/
COPY models/ models/
COPY lexicon/ lexicon/
COPY extractors/ extractors/
COPY checkers/ checkers/
COPY service/ service/
COPY samples/ samples/
RUN ./scripts/setup.sh --no-demo --runtime \
    && rm -rf /var/lib/apt/lists/* /root/.cache/pip \
    && useradd --system --create-home --home-dir /home/casecheck casecheck \
    && mkdir -p /data && chown casecheck /data

USER casecheck
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD ["/app/.venv/bin/python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["/app/.venv/bin/casecheck", "serve"]
