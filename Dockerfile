# syntax=docker/dockerfile:1
# Build stage. The Go toolchains are pinned: Go 1.26.8 is the base, and
# install-deps.sh fetches Go 1.27.3 through the module proxy; each builds the
# worker for its release (gofn-loader-go1.26, gofn-loader-go1.27).
FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY scripts/install-deps.sh scripts/go-toolchains.txt scripts/
# install-deps.sh also builds gofnd's libmicrohttpd (Debian's source with our
# patch; see docs/design.md), linked statically: the runtime stage needs none.
COPY third_party/libmicrohttpd third_party/libmicrohttpd/
RUN scripts/install-deps.sh
COPY . .
RUN scripts/build-release.sh /out

# Runtime stage: slim Debian, only the shared libraries and the two binaries.
FROM debian:bookworm-slim
COPY scripts/install-deps.sh /usr/local/lib/gofn/install-deps.sh
RUN /usr/local/lib/gofn/install-deps.sh --runtime && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/bin/gofnd /out/bin/gofn-loader* /usr/local/bin/
# Non-root: the sandbox builds its jails in unprivileged user namespaces, so
# gofnd needs no host capability (see deploy/seccomp-gofn.json for the rest).
RUN useradd --system --uid 10001 --home-dir /data gofn && install -d -o gofn -g gofn /data
USER gofn
VOLUME /data
EXPOSE 8080
ENV GOFN_LISTEN=0.0.0.0:8080 GOFN_DATA=/data
# The probe follows the configured port (GOFN_LISTEN=HOST:PORT).
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD curl -fsS "http://127.0.0.1:${GOFN_LISTEN##*:}/healthz" || exit 1
ENTRYPOINT ["/usr/local/bin/gofnd"]
