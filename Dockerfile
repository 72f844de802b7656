# kubemetrics: build with the full toolchain, run on a distroless Node.js image as non-root.
# docker build -t ghcr.io/kubemetrics/kubemetrics:0.1.0 .
# docker run --rm -p 8080:8080 ghcr.io/kubemetrics/kubemetrics:0.1.0 serve --snapshot /data/snap.json

FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM gcr.io/distroless/nodejs20-debian12:nonroot
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
# uid/gid 65532 ("nonroot" in distroless); the Deployment sets the same.
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/nodejs/bin/node", "/app/dist/cli/main.js"]
CMD ["serve", "--listen=0.0.0.0:8080"]
