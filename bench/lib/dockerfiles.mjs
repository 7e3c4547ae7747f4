// The varied, realistic Dockerfiles the lint benchmarks generate (bench/lint.mjs, bench/lint-cli.mjs).

const bases = ['node:20', 'node:20-slim', 'python:3.12', 'python:3.12-slim', 'golang:1.22', 'debian:12', 'ubuntu:24.04', 'alpine:3.20', 'ruby:3.3', 'eclipse-temurin:21-jre'];
const installs = [
  'apt-get update && apt-get install -y curl ca-certificates',
  'apt-get update \\\n && apt-get install -y --no-install-recommends build-essential libpq-dev \\\n && rm -rf /var/lib/apt/lists/*',
  'apk add --no-cache git openssh',
  'apk add curl && rm -rf /var/cache/apk/*',
  'pip install -r requirements.txt',
  'npm ci --omit=dev && npm cache clean --force',
  'curl -fsSL https://example.com/install.sh | sh',
  'set -eux; \\\n  wget -O /tmp/app.tgz https://example.com/app.tgz; \\\n  tar -xzf /tmp/app.tgz -C /opt; \\\n  rm /tmp/app.tgz',
  'yum install -y httpd && yum clean all',
  'if [ -f package.json ]; then npm install; fi && (cd /app && make) || echo failed',
];

/** dockerfile returns the i-th generated Dockerfile. */
export function dockerfile(i) {
  const base = bases[i % bases.length];
  const multi = i % 3 === 0;
  const lines = ['# syntax=docker/dockerfile:1'];
  if (i % 7 === 0) lines.push('ARG VERSION=1.0');
  if (multi) {
    lines.push(`FROM ${base} AS build`, 'WORKDIR /src', 'COPY . .', `RUN ${installs[(i + 3) % installs.length]}`, 'RUN --mount=type=cache,target=/root/.cache make build');
  }
  lines.push(`FROM ${multi ? 'debian:12-slim' : base}`);
  if (i % 5 === 0) lines.push('MAINTAINER someone@example.com');
  lines.push('WORKDIR /app', 'ENV APP_ENV=production PORT=8080');
  if (i % 4 === 0) lines.push('COPY package.json package-lock.json ./');
  lines.push(`RUN ${installs[i % installs.length]}`);
  lines.push(`RUN ${installs[(i * 7 + 1) % installs.length]}`);
  if (i % 6 === 0) lines.push('RUN <<EOF\nset -e\napt-get update\napt-get install -y jq\nrm -rf /var/lib/apt/lists/*\nEOF');
  lines.push(multi ? 'COPY --from=build /src/out /app' : 'COPY . .');
  if (i % 2 === 0) lines.push('USER 1000');
  lines.push('EXPOSE 8080', i % 3 === 1 ? 'CMD node server.js' : 'CMD ["./app"]');
  return `${lines.join('\n')}\n`;
}

