# syntax=docker/dockerfile:1
# Build stage: install everything, compile TypeScript to dist/.
FROM node:20-bookworm-slim AS build
# better-sqlite3 is a native module: a prebuilt binary when one downloads, else built here.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund

# Runtime stage: production dependencies only, compiled code, bundled config; non-root.
FROM node:20-bookworm-slim
ENV NODE_ENV=production STORYWATCH_DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies as the build stage installed them (with better-sqlite3's binary).
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY config ./config
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
ENTRYPOINT ["node", "bin/storywatch.js"]
CMD ["run"]
