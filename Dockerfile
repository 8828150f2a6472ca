# The `tessera` CLI, built from this workspace. Used by docker-compose's one-shot `migrate` service.
# Stage 1 installs everything and compiles; stage 2 holds the compiled CLI and its production dependencies only
# (`pnpm deploy --prod`): no TypeScript, vitest, turbo or sources. .dockerignore keeps .env out of both.
FROM node:24-bookworm-slim AS build
RUN npm install -g pnpm@12.21.0
WORKDIR /src
COPY . .
RUN pnpm install --frozen-lockfile \
  && pnpm turbo run build --filter=@tessera/platform... \
  && pnpm --filter=@tessera/platform deploy --prod /out

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /out .
USER node
ENTRYPOINT []
CMD ["node", "bin/tessera.js", "migrate"]
