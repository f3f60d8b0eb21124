# syntax=docker/dockerfile:1
# Multi-stage build: compile TypeScript with dev dependencies, then run on production ones only.

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY routes ./routes
COPY schemas ./schemas
RUN npm run build

FROM node:22-bookworm-slim AS runtime
# Memory settings (the same as `npm start` and bench/run.ts; see bench/README.md, "What the service
# does to be cheap"):
# - MALLOC_MMAP_THRESHOLD_ fixes glibc's mmap threshold at 128 KB: large buffers (a 244 KB search
#   answer) are then mapped and unmapped, instead of landing in the malloc heap, which otherwise
#   keeps tens of MB after a burst of them.
# - NODE_OPTIONS=--max-semi-space-size=8: V8's young generation at 2 x 8 MB instead of 2 x 16 MB.
# - --heap-growing-percent=100 in CMD (V8 refuses it in NODE_OPTIONS): the old generation grows to
#   at most twice its live size between full GCs.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    MALLOC_MMAP_THRESHOLD_=131072 \
    NODE_OPTIONS=--max-semi-space-size=8
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
# The vendored Intercom OpenAPI description (MIT, see spec/intercom/LICENSE.md): used by the
# sandbox emulator and the operation catalog.
COPY spec ./spec
COPY openapi.yaml LICENSE* ./
USER node
EXPOSE 3000
# node:22 has fetch; a failing probe exits 1.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node runs as PID 1 directly (no npm or shell in between) so SIGTERM reaches close-with-grace,
# which installs explicit SIGTERM/SIGINT handlers (PID 1 gets no default signal handling) and
# drains within SHUTDOWN_TIMEOUT_MS. No tini: the process spawns no children, so there are no
# zombies to reap; `docker run --init` adds one if that ever changes.
STOPSIGNAL SIGTERM
CMD ["node", "--heap-growing-percent=100", "dist/src/server.js"]
