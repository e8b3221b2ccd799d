# The aggregator, serving the built dashboard on one port. The build context is the repository root.
FROM node:20-slim AS ui
WORKDIR /src/ui
COPY ui/package.json ui/package-lock.json ./
RUN npm ci
COPY ui/ ./
RUN npm run build

FROM node:20-slim
WORKDIR /app/aggregator
COPY aggregator/package.json aggregator/package-lock.json ./
RUN npm ci --omit=dev
COPY aggregator/ ./
COPY --from=ui /src/ui/dist /app/ui/dist
ENV AGGREGATOR_HOST=0.0.0.0 AGGREGATOR_UI_DIST=/app/ui/dist
USER node
EXPOSE 5173
CMD ["node", "src/main.js"]
