# syntax=docker/dockerfile:1
# Build: docker build -t newsdesk .
# Run:   docker run -p 8080:8080 -v newsdesk-data:/data -e SLACK_BOT_TOKEN=… -e SLACK_SIGNING_SECRET=… newsdesk
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/newsdesk ./cmd/newsdesk \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/newsdesk /usr/local/bin/newsdesk
COPY --from=build --chown=nonroot:nonroot /out/data /data
USER nonroot:nonroot
ENV NEWSDESK_DATA=/data NEWSDESK_LISTEN=:8080
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["/usr/local/bin/newsdesk", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/newsdesk"]
CMD ["serve"]
