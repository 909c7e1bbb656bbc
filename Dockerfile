# medcard container image.
#
#   docker build -t medcard .
#   docker run --rm -p 127.0.0.1:8080:8080 -e DATABASE_URL=postgres://user:pass@host:5432/medcard medcard
#
# There is no PostgreSQL inside the image: DATABASE_URL must be given (docker-compose.yml does).
# Migrations are compiled into the binary and applied at start-up (or with `medcard migrate`).

# ---- build -------------------------------------------------------------------------------------
FROM rust:1-bookworm AS builder
WORKDIR /build

# Dependencies first, against placeholder sources, so this layer is reused until Cargo.toml or
# Cargo.lock change.
COPY Cargo.toml Cargo.lock ./
RUN mkdir src \
 && echo 'fn main() {}' > src/main.rs \
 && touch src/lib.rs \
 && cargo build --release --locked --bin medcard \
 && rm -rf src

# The real sources. migrations/ and config/ are compiled in (sqlx::migrate!, include_str!).
COPY src ./src
COPY migrations ./migrations
COPY config ./config
# COPY keeps the files' own modification times, which can be older than the placeholder build:
# touch the crate roots so cargo rebuilds medcard instead of shipping the placeholder binary.
RUN touch src/main.rs src/lib.rs \
 && cargo build --release --locked --bin medcard \
 && install -m 0755 target/release/medcard /usr/local/bin/medcard

# ---- run ---------------------------------------------------------------------------------------
FROM debian:bookworm-slim

RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl fonts-wqy-microhei \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 medcard \
 && useradd --system --uid 10001 --gid medcard --home-dir /app --create-home --shell /usr/sbin/nologin medcard

COPY --from=builder /usr/local/bin/medcard /usr/local/bin/medcard

WORKDIR /app
# The medcard user, by number so that Kubernetes' runAsNonRoot can check it.
USER 10001:10001

ENV MEDCARD_SERVER_LISTEN=0.0.0.0:8080
EXPOSE 8080

HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1

ENTRYPOINT ["medcard"]
CMD ["serve"]
