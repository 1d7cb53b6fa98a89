# Build: install the service into a virtualenv.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
COPY migrations ./migrations
COPY seed ./seed
RUN /opt/venv/bin/pip install .

# Run: the virtualenv (the package carries its migrations and seed); no compilers, no sources.
FROM python:3.11-slim
RUN useradd --system --uid 10001 --create-home --home-dir /srv/consulta consulta
COPY --from=build /opt/venv /opt/venv
WORKDIR /srv/consulta
RUN mkdir data && chown consulta:consulta data
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    CONSULTA_DATABASE_URL=sqlite:////srv/consulta/data/consulta.db
USER consulta
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["consulta", "serve", "--host", "0.0.0.0"]
