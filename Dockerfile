# syntax=docker/dockerfile:1
# One Dockerfile, one target per service: `api` (which also runs the migrations), `worker` and `emulator`.
# Node 24 runs the TypeScript sources as they are (type stripping), so the services have no build step: only
# a production install of what the service needs, inside the workspace layout so that @sora-studio/* packages
# stay symlinks to their sources. BuildKit builds only the stages the chosen target needs. From the root:
#   docker build --target api -t sora-studio/api .
#   docker build --target worker -t sora-studio/worker .
#   docker build --target emulator -t sora-studio/emulator .
# The one thing built is the Studio (services/web, Vite), in a stage of its own; the api image ships its dist.

FROM node:24-slim AS sources
ENV CI=true
# pnpm through npm: corepack's signature checks break offline and behind proxies.
RUN npm install -g pnpm@10.34.9 && npm cache clean --force
WORKDIR /app
# Fetching needs only the lockfile, so this layer is reused until the lockfile changes. It fills the store;
# the node_modules it also writes would hold every package's dependencies, so it goes.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch --prod --store-dir /pnpm-store && rm -rf node_modules
COPY . .

# --filter-prod follows only production dependencies, so testkit and its test tools stay out. The root
# package (sora-studio) brings the migrations, which scripts/migrate.ts runs.
FROM sources AS install-api
RUN pnpm install --offline --frozen-lockfile --prod --store-dir /pnpm-store --filter-prod "@sora-studio/api..." --filter-prod sora-studio

# The Studio's build needs its dev dependencies (Vite, Tailwind), so it fetches everything, in its own stage:
# none of it reaches an image but the built files.
FROM node:24-slim AS build-web
ENV CI=true
RUN npm install -g pnpm@10.34.9 && npm cache clean --force
WORKDIR /app
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch --store-dir /pnpm-store && rm -rf node_modules
COPY . .
RUN pnpm install --offline --frozen-lockfile --store-dir /pnpm-store --filter "@sora-studio/web..." \
  && pnpm --filter @sora-studio/web build

FROM sources AS install-worker
RUN pnpm install --offline --frozen-lockfile --prod --store-dir /pnpm-store --filter-prod "@sora-studio/worker..."

FROM sources AS install-emulator
RUN pnpm install --offline --frozen-lockfile --prod --store-dir /pnpm-store --filter-prod "@sora-studio/emulator..."

# What every service image starts from. Storage lives in a volume at /data; a fresh named volume takes
# this directory's owner.
FROM node:24-slim AS runtime
# glibc otherwise raises its mmap threshold after the first freed 5 MiB upload part, and later parts come from a
# heap whose freed pages stay in RSS: +25-35 MB per streamed asset (bench/README.md, storage section).
ENV NODE_ENV=production MALLOC_MMAP_THRESHOLD_=131072
WORKDIR /app
RUN mkdir -p /data/storage && chown -R node:node /data

FROM runtime AS api
# node_modules/.pnpm holds the filtered install; the package folders link into it.
COPY --from=install-api /app/package.json ./
COPY --from=install-api /app/node_modules ./node_modules
COPY --from=install-api /app/packages/shared ./packages/shared
COPY --from=install-api /app/migrations ./migrations
COPY --from=install-api /app/scripts ./scripts
COPY --from=install-api /app/services/api ./services/api
# Where the API looks for the Studio by default (services/web/dist beside services/api).
COPY --from=build-web /app/services/web/dist ./services/web/dist
USER node
ENV API_HOST=0.0.0.0 API_PORT=3000 STORAGE_DIR=/data/storage
EXPOSE 3000
# The API's node flags, as in services/api/src/node-flags.ts (why: there; scripts/test/api-node-flags.test.ts keeps
# this line equal to it): a 16 MiB young generation, and a full GC at 1.5x the live heap rather than up to 4x, keep
# the API's RSS under load near 210 MB instead of 270-340.
CMD ["node", "--max-semi-space-size=16", "--heap-growing-percent=50", "services/api/src/server.ts"]

FROM runtime AS worker
COPY --from=install-worker /app/package.json ./
COPY --from=install-worker /app/node_modules ./node_modules
COPY --from=install-worker /app/packages/shared ./packages/shared
COPY --from=install-worker /app/services/worker ./services/worker
USER node
ENV STORAGE_DIR=/data/storage
CMD ["node", "services/worker/src/main.ts"]

FROM runtime AS emulator
COPY --from=install-emulator /app/package.json ./
COPY --from=install-emulator /app/node_modules ./node_modules
COPY --from=install-emulator /app/packages/shared ./packages/shared
COPY --from=install-emulator /app/services/emulator ./services/emulator
USER node
ENV EMULATOR_HOST=0.0.0.0 EMULATOR_PORT=4010
EXPOSE 4010
CMD ["node", "services/emulator/src/server.ts"]
