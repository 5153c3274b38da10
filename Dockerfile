# syntax=docker/dockerfile:1
# Build: docker build -t newsdesk .
# Run:   docker run -p 8080:8080 -v newsdesk-data:/data -e SLACK_BOT_TOKEN=… -e SLACK_SIGNING_SECRET=… newsdesk
#        (a bind-mounted directory must be writable by uid 65532: see the README)
#
# Base images are pinned by digest (the tag stays for the reader). These
# digests were taken from public Dockerfiles that pin the same tags (the
# distroless one dated 2026-08-26), not checked against the registries from
# the machine that wrote this file: before relying on them run
#   crane digest golang:1.26-bookworm
#   crane digest gcr.io/distroless/static-debian12:nonroot
# and replace them if they differ. Refresh them with the same commands.
FROM golang:1.26-bookworm@sha256:b305420a68d0f229d91eb3b3ed9e519fcf2cf5461da4bef997bf927e8c0bfd2b AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=""
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -X main.buildVersion=${VERSION}" -o /out/newsdesk ./cmd/newsdesk \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot@sha256:afa5c872c891853ca7fcf1f12c3edb23f7eeef36189728842dd51042ff57f7ab
COPY --from=build /out/newsdesk /usr/local/bin/newsdesk
COPY --from=build --chown=nonroot:nonroot /out/data /data
USER nonroot:nonroot
ENV NEWSDESK_DATA=/data NEWSDESK_LISTEN=:8080 NEWSDESK_SAMPLE=false
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["/usr/local/bin/newsdesk", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/newsdesk"]
CMD ["serve"]
