# golang:<pin>-bookworm as the public image has it, made from our
# debian:bookworm-slim (debootstrap) and the Go tree(s) the go command
# fetched: the release at /usr/local/go, others where GOTOOLCHAIN looks.
FROM debian:bookworm-slim
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends gcc libc6-dev git make pkg-config ca-certificates >/dev/null && \
    rm -rf /var/lib/apt/lists/*
COPY go /usr/local/go
COPY gopath /go
ENV GOPATH=/go PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
WORKDIR /go
