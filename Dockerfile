# The Eddy demo (`npm start`) as an image, for docker-compose.yml. It runs the TypeScript
# sources through tsx, as `npm start` does in a clone, so the dev dependencies stay.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
EXPOSE 8080 8081 8082 8083
# Set EDDY_BOOTSTRAP_SERVERS to a Kafka cluster; without it the demo starts its embedded broker.
CMD ["npm", "start", "--", "--host", "0.0.0.0"]
