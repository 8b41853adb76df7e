# syntax=docker/dockerfile:1.7
# One image per service:   docker build --build-arg SERVICE=user -t diaspora/user-service .
# Any workspace package:   docker build --build-arg SERVICE=gateway --build-arg PACKAGE=@diaspora/gateway .
# The runtime keeps the repo layout (services/<name>/dist, packages/*/dist, proto/) because the kit's gRPC runtime
# resolves the .proto files at ../../../../proto from packages/service-kit/dist/grpc/, and the K8s Job runs
# `node services/<name>/dist/main.js migrate up`.
# Node 24 LTS (20 reached end of life in April 2026); the CI test matrix still covers 20 and 22.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS base
ENV TURBO_TELEMETRY_DISABLED=1 \
    DO_NOT_TRACK=1 \
    CI=true
RUN npm install --global --no-audit --no-fund --loglevel=error pnpm@9.15.9
WORKDIR /app

FROM base AS build
ARG SERVICE=user
ARG PACKAGE=@diaspora/${SERVICE}-service
COPY . .
# The store lives in a BuildKit cache so that the second, prod-only install below is offline and fast.
RUN --mount=type=cache,id=diaspora-pnpm-store,target=/pnpm/store \
    pnpm install --frozen-lockfile --store-dir /pnpm/store
RUN pnpm exec turbo run build --filter="${PACKAGE}..." --output-logs=errors-only
# Reinstall with production dependencies of the package's prod closure only (--filter-prod skips
# workspace devDependencies such as @diaspora/testing), then copy that closure into /out.
RUN --mount=type=cache,id=diaspora-pnpm-store,target=/pnpm/store \
    set -eu; \
    find . -name node_modules -type d -prune -exec rm -rf {} +; \
    pnpm install --frozen-lockfile --prod --offline --store-dir /pnpm/store --filter-prod "${PACKAGE}..."; \
    mkdir -p /out; \
    cp -a package.json node_modules proto /out/; \
    for dir in $(pnpm --filter-prod "${PACKAGE}..." list --depth -1 --parseable); do \
      rel="${dir#/app/}"; \
      mkdir -p "/out/$rel"; \
      cp -a "$dir/package.json" "$dir/dist" "/out/$rel/"; \
      if [ -d "$dir/node_modules" ]; then cp -a "$dir/node_modules" "/out/$rel/"; fi; \
      if [ -d "$dir/public" ]; then cp -a "$dir/public" "/out/$rel/"; fi; \
    done; \
    test -d "/out/services/${SERVICE}/dist" || test "${PACKAGE}" != "@diaspora/${SERVICE}-service"

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE=user
LABEL org.opencontainers.image.title="diaspora-${SERVICE}-service"
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    SERVICE=${SERVICE} \
    HOST=0.0.0.0 \
    HTTP_PORT=8080 \
    GRPC_PORT=9090
WORKDIR /app
# Root-owned and read-only for the runtime user: the container can run with a read-only root filesystem.
COPY --from=build /out /app
# The one writable place (media on local disk when STORAGE_URL=file://…): a volume mounted here inherits node's ownership.
RUN mkdir -p /var/lib/diaspora/media && chown -R node:node /var/lib/diaspora
USER node
EXPOSE 8080 9090
# exec: node becomes PID 1 and receives SIGTERM itself (the service drains and exits 0).
# Extra arguments pass through: `docker run <image> migrate up`.
ENTRYPOINT ["/bin/sh", "-c", "exec node \"services/${SERVICE}/dist/main.js\" \"$@\"", "service"]
CMD []
