# The `tessera` CLI, built from this workspace. Used by docker-compose's one-shot `migrate` service.
FROM node:24-bookworm-slim
RUN npm install -g pnpm@12.21.0
WORKDIR /app
COPY . .
RUN pnpm install --frozen-lockfile && pnpm turbo run build --filter=@tessera/platform...
ENV NODE_ENV=production
ENTRYPOINT []
CMD ["node", "apps/platform/bin/tessera.js", "migrate"]
