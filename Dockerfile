# Builds any Parley app: docker build --build-arg APP=messaging -t parley-messaging .
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches patches
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.build.json nest-cli.json ./
COPY apps apps
COPY libs libs
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
ARG APP=gateway
ENV NODE_ENV=production HOST=0.0.0.0 APP=${APP} MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
# The console's static files (tsc does not copy them): the gateway serves them at /.
COPY --from=build /app/apps/gateway/src/console/public dist/apps/gateway/src/console/public
USER node
# exec so the app is PID 1 and gets SIGTERM: it leaves its Kafka consumer group at once on stop.
# The V8 flags and MALLOC_ARENA_MAX: see APP_NODE_FLAGS and APP_ENV in deploy/local/apps.mjs.
CMD ["sh", "-c", "exec node --max-semi-space-size=4 --max-old-space-size=512 --expose-gc dist/apps/$APP/src/main.js"]
