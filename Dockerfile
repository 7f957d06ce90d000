FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
RUN npm ci --ignore-scripts
COPY tsconfig.json ./
COPY src ./src
COPY conf ./conf
RUN npm run build && npm prune --omit=dev
RUN mkdir -p /data && sed -i 's/^bind .*/bind 0.0.0.0/; s/^protected-mode .*/protected-mode no/; s#^dir .*#dir /data#' conf/tredis.conf
VOLUME /data
WORKDIR /data
EXPOSE 6379
CMD ["node", "/app/dist/main.js", "/app/conf/tredis.conf"]
