# syntax=docker/dockerfile:1
# Build stage: dependencies first (a layer reused until package-lock.json changes), then
# the TypeScript compiled to dist/, then the dev dependencies pruned.
FROM node:20-bookworm-slim AS build
# better-sqlite3 is a native module: a prebuilt binary when one downloads, else built here.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# No scripts yet: `prepare` compiles src/, which is not copied until below.
RUN npm ci --no-audit --no-fund --ignore-scripts && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# Runtime stage: production dependencies only, compiled code, bundled config; non-root.
FROM node:20-bookworm-slim
ENV NODE_ENV=production STORYWATCH_DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies as the build stage installed them (with better-sqlite3's binary).
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
# Stories and config/default.yaml: compose mounts ./config over this, so adding a story
# needs no rebuild (a plain `docker run` uses these copies).
COPY config ./config
# /app/data points at the volume: an empty STORYWATCH_DATA_DIR= (as .env.example has it)
# means the default ./data, which must land on /data too, never in the read-only /app.
RUN mkdir -p /data && chown node:node /data && ln -s /data /app/data
USER node
VOLUME ["/data"]
ENTRYPOINT ["node", "bin/storywatch.js"]
CMD ["run"]
