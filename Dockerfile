# syntax=docker/dockerfile:1
# Build: docker build -t newsdesk .
# Run:   docker run -p 8080:8080 -v newsdesk-data:/data -e SLACK_BOT_TOKEN=… -e SLACK_SIGNING_SECRET=… newsdesk
#        (a bind-mounted directory must be writable by uid 65532: see the README)
#
# Base images are pinned by digest (the tag stays for the reader). No
# registry was reachable where these were written; what stands behind them
# is public Dockerfiles that pin the same digest for the same tag:
#   golang b305420a… is golang:1.26.4-bookworm in spr-networks/spr-tamago-demo
#     (Dockerfile @08315d4b) and temporalio/priority-fairness-streamlit-demo
#     (preview/server.Dockerfile @f6dd17b4), and golang:1.26-bookworm in
#     others; one resolved it with `docker buildx imagetools inspect`, so it
#     is the multi-arch index digest. It is 1.26.4's: later 1.26 patches have
#     other digests (1.26.6-bookworm is 116d58cb… in kgskr/fortigate-externalDNS
#     Containerfile @14c8dfdb), so golang:1.26-bookworm has moved on since.
#     (go.mod asks for go 1.26.0, so 1.26.4 builds it.)
#   distroless afa5c872… is static-debian12:nonroot in Merkleye/mcp-server
#     (Containerfile @436d8f71), kilo666mj/taskboard (Dockerfile @18d1c891)
#     and kgskr/fortigate-externalDNS (Containerfile @14c8dfdb, which says it
#     pins manifest-list digests). Other pins of the tag (d093aa3e…,
#     f5b485ea…, 1b7b9f0f…) are builds of other dates; in
#     kgskr/fortigate-externalDNS d093aa3e… came before afa5c872….
# Before relying on them, and to refresh them, run
#   crane digest golang:1.26-bookworm
#   crane digest gcr.io/distroless/static-debian12:nonroot
# and replace them if they differ.
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
