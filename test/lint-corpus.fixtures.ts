// Real-world style Dockerfiles in many styles, for the corpus test. Each may name rules that must
// fire (`fires`) and rules that must stay silent (`silent`) so the corpus also checks behaviour.
export interface CorpusFile {
  name: string;
  text: string;
  dockerignore?: string;
  fires?: string[];
  silent?: string[];
}

/** D keeps Dockerfile text verbatim (backslashes included); `\${` and "\`" stand for ${ and a backtick. */
const D = (strings: TemplateStringsArray): string =>
  strings.raw.join('').replace(/^\n/, '').replace(/\\\$\{/g, '${').replace(/\\`/g, '`');

export const corpus: CorpusFile[] = [
  {
    name: 'node-express-naive',
    text: D`
FROM node:latest
WORKDIR /usr/src/app
COPY . .
RUN npm install
EXPOSE 3000
CMD npm start
`,
    fires: ['base-image-tag', 'copy-before-dependency-install', 'node-package-cache', 'build-tools-in-final-stage', 'json-args-recommended', 'root-user', 'dockerignore-missing'],
  },
  {
    name: 'node-multistage-good',
    dockerignore: '.git\nnode_modules\n.env\n',
    text: D`
# syntax=docker/dockerfile:1.7
FROM node:20.17-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci

FROM deps AS build
COPY . .
RUN npm run build

FROM node:20.17-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build --chown=node:node /app/dist ./dist
USER node
CMD ["node", "dist/server.js"]
`,
    silent: ['node-package-cache', 'build-tools-in-final-stage', 'root-user', 'copy-before-dependency-install', 'dockerignore-missing', 'heavy-base-image', 'json-args-recommended'],
  },
  {
    name: 'yarn-classic',
    text: D`
FROM node:18-alpine
WORKDIR /app
COPY package.json yarn.lock ./
RUN yarn install --frozen-lockfile --production
COPY . .
USER node
CMD ["node", "index.js"]
`,
    fires: ['node-package-cache'],
    silent: ['copy-before-dependency-install', 'heavy-base-image'],
  },
  {
    name: 'pnpm-monorepo',
    text: D`
FROM node:20-slim AS base
ENV PNPM_HOME="/pnpm"
ENV PATH="$PNPM_HOME:$PATH"
RUN corepack enable
FROM base AS build
COPY . /usr/src/app
WORKDIR /usr/src/app
RUN --mount=type=cache,id=pnpm,target=/pnpm/store pnpm install --frozen-lockfile
RUN pnpm run -r build
RUN pnpm deploy --filter=app1 --prod /prod/app1
FROM base AS app1
COPY --from=build /prod/app1 /prod/app1
WORKDIR /prod/app1
EXPOSE 8000
CMD [ "pnpm", "start" ]
`,
  },
  {
    name: 'python-flask-naive',
    text: D`
FROM python:3.12
RUN apt-get update
RUN apt-get install -y gcc libpq-dev
COPY . /app
WORKDIR /app
RUN pip install -r requirements.txt
ENV SECRET_KEY=changeme
CMD python app.py
`,
    fires: ['consecutive-run', 'apt-lists-not-removed', 'apt-no-install-recommends', 'build-tools-in-final-stage', 'pip-no-cache-dir', 'copy-before-dependency-install', 'secret-in-arg-env', 'json-args-recommended', 'heavy-base-image'],
  },
  {
    name: 'python-slim-good',
    text: D`
FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
RUN groupadd -r app && useradd -r -g app app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY --chown=app:app . .
USER app
CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
`,
    silent: ['pip-no-cache-dir', 'root-user', 'copy-before-dependency-install', 'json-args-recommended'],
  },
  {
    name: 'python-poetry-multistage',
    text: D`
FROM python:3.11-slim AS builder
RUN pip install --no-cache-dir poetry==1.8.3
ENV POETRY_NO_INTERACTION=1 POETRY_VIRTUALENVS_IN_PROJECT=1 POETRY_CACHE_DIR=/tmp/poetry_cache
WORKDIR /app
COPY pyproject.toml poetry.lock ./
RUN --mount=type=cache,target=$POETRY_CACHE_DIR poetry install --without dev --no-root
FROM python:3.11-slim AS runtime
ENV VIRTUAL_ENV=/app/.venv PATH="/app/.venv/bin:$PATH"
COPY --from=builder \${VIRTUAL_ENV} \${VIRTUAL_ENV}
COPY app ./app
USER 1000
ENTRYPOINT ["python", "-m", "app.main"]
`,
  },
  {
    name: 'python-conda',
    text: D`
FROM continuumio/miniconda3:24.1.2-0
COPY environment.yml /tmp/
RUN conda env create -f /tmp/environment.yml && conda clean -afy
SHELL ["conda", "run", "-n", "app", "/bin/bash", "-c"]
COPY . /app
ENTRYPOINT ["conda", "run", "--no-capture-output", "-n", "app", "python", "/app/main.py"]
`,
  },
  {
    name: 'go-static-scratch',
    text: D`
FROM golang:1.22-alpine AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags="-s -w" -o /out/app ./cmd/app
FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /out/app /app
USER 65534:65534
ENTRYPOINT ["/app"]
`,
    fires: ['go-build-cache'],
    silent: ['root-user', 'heavy-base-image', 'build-tools-in-final-stage', 'copy-before-dependency-install'],
  },
  {
    name: 'go-single-stage',
    text: D`
FROM golang:1.21
WORKDIR /go/src/app
COPY . .
RUN go get -d -v ./...
RUN go install -v ./...
CMD ["app"]
`,
    fires: ['heavy-base-image', 'go-build-cache', 'root-user'],
  },
  {
    name: 'go-buildkit-cache-mounts',
    text: D`
# syntax=docker/dockerfile:1
ARG GO_VERSION=1.22
FROM --platform=$BUILDPLATFORM golang:\${GO_VERSION} AS build
ARG TARGETOS TARGETARCH
WORKDIR /src
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=bind,source=go.sum,target=go.sum \
    --mount=type=bind,source=go.mod,target=go.mod \
    go mod download -x
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=bind,target=. \
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /bin/server ./cmd/server
FROM gcr.io/distroless/static-debian12:nonroot AS final
COPY --from=build /bin/server /bin/
EXPOSE 8080
ENTRYPOINT [ "/bin/server" ]
`,
    silent: ['go-build-cache', 'root-user', 'undefined-arg-in-from', 'base-image-tag'],
  },
  {
    name: 'java-maven-multistage',
    text: D`
FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /app
COPY pom.xml .
RUN mvn -B dependency:go-offline
COPY src ./src
RUN mvn -B package -DskipTests
FROM eclipse-temurin:21-jre
COPY --from=build /app/target/app.jar /app.jar
RUN useradd -r app
USER app
ENTRYPOINT ["java", "-jar", "/app.jar"]
`,
    silent: ['heavy-base-image', 'build-tools-in-final-stage', 'root-user'],
  },
  {
    name: 'java-gradle-single',
    text: D`
FROM gradle:8.7-jdk21
COPY --chown=gradle:gradle . /home/gradle/src
WORKDIR /home/gradle/src
RUN gradle build --no-daemon
EXPOSE 8080
ENTRYPOINT ["java","-jar","/home/gradle/src/build/libs/app.jar"]
`,
    fires: ['heavy-base-image', 'build-tools-in-final-stage'],
  },
  {
    name: 'java-tomcat-add',
    text: D`
FROM tomcat:10.1-jdk17
MAINTAINER ops@example.com
ADD target/app.war /usr/local/tomcat/webapps/
ADD https://repo1.maven.org/maven2/org/postgresql/postgresql/42.7.3/postgresql-42.7.3.jar /usr/local/tomcat/lib/
EXPOSE 8080 22
CMD ["catalina.sh", "run"]
`,
    fires: ['maintainer-deprecated', 'add-instead-of-copy', 'add-remote-without-checksum', 'expose-ssh-port'],
  },
  {
    name: 'rust-cargo-chef',
    text: D`
FROM lukemathwright/cargo-chef:latest-rust-1 AS chef
WORKDIR /app
FROM chef AS planner
COPY . .
RUN cargo chef prepare --recipe-path recipe.json
FROM chef AS builder
COPY --from=planner /app/recipe.json recipe.json
RUN cargo chef cook --release --recipe-path recipe.json
COPY . .
RUN cargo build --release --bin app
FROM debian:bookworm-slim AS runtime
WORKDIR /app
COPY --from=builder /app/target/release/app /usr/local/bin
USER nobody
ENTRYPOINT ["/usr/local/bin/app"]
`,
    silent: ['build-tools-in-final-stage', 'root-user', 'heavy-base-image'],
  },
  {
    name: 'rust-single',
    text: D`
FROM rust:1.79
WORKDIR /usr/src/myapp
COPY . .
RUN cargo install --path .
CMD ["myapp"]
`,
    fires: ['heavy-base-image', 'build-tools-in-final-stage'],
  },
  {
    name: 'ruby-rails',
    text: D`
FROM ruby:3.3
RUN apt-get update -qq && apt-get install -y nodejs postgresql-client build-essential
WORKDIR /myapp
COPY Gemfile /myapp/Gemfile
COPY Gemfile.lock /myapp/Gemfile.lock
RUN bundle install
COPY . /myapp
COPY entrypoint.sh /usr/bin/
RUN chmod +x /usr/bin/entrypoint.sh
ENTRYPOINT ["entrypoint.sh"]
EXPOSE 3000
CMD ["rails", "server", "-b", "0.0.0.0"]
`,
    fires: ['apt-lists-not-removed', 'build-tools-in-final-stage', 'heavy-base-image'],
    silent: ['copy-before-dependency-install'],
  },
  {
    name: 'ruby-alpine-virtual',
    text: D`
FROM ruby:3.3-alpine
RUN apk add --no-cache --virtual .build-deps build-base postgresql-dev \
 && apk add --no-cache postgresql-libs tzdata
WORKDIR /app
COPY Gemfile Gemfile.lock ./
RUN bundle config set without 'development test' && bundle install --jobs 4 && apk del .build-deps
COPY . .
USER nobody
CMD ["bundle", "exec", "puma"]
`,
    fires: ['build-tools-in-final-stage'],
    silent: ['apk-no-cache'],
  },
  {
    name: 'php-apache',
    text: D`
FROM php:8.3-apache
RUN apt-get update && apt-get install -y \
        libfreetype-dev \
        libjpeg62-turbo-dev \
        libpng-dev \
    && docker-php-ext-configure gd --with-freetype --with-jpeg \
    && docker-php-ext-install -j$(nproc) gd \
    && rm -rf /var/lib/apt/lists/*
COPY --from=composer:2 /usr/bin/composer /usr/bin/composer
COPY . /var/www/html/
RUN composer install --no-dev --optimize-autoloader
RUN chown -R www-data:www-data /var/www/html
`,
    fires: ['apt-no-install-recommends', 'build-tools-in-final-stage', 'copy-before-dependency-install', 'recursive-chown-after-copy'],
    silent: ['apt-lists-not-removed'],
  },
  {
    name: 'php-fpm-alpine',
    text: D`
FROM php:8.3-fpm-alpine
RUN apk add --no-cache icu-libs && apk add --no-cache --virtual .deps icu-dev $PHPIZE_DEPS \
    && docker-php-ext-install intl && apk del .deps
WORKDIR /var/www
COPY --chown=www-data:www-data . .
USER www-data
`,
    silent: ['build-tools-in-final-stage', 'recursive-chown-after-copy', 'root-user'],
  },
  {
    name: 'nginx-static',
    text: D`
FROM node:20-alpine AS build
WORKDIR /app
COPY package*.json ./
RUN npm ci
COPY . .
RUN npm run build
FROM nginx:1.27-alpine
COPY --from=build /app/dist /usr/share/nginx/html
COPY nginx.conf /etc/nginx/conf.d/default.conf
EXPOSE 80
`,
    // nginx's own server runs its workers as nginx (src/knowledge/base-images.ts)
    silent: ['root-user', 'build-tools-in-final-stage', 'copy-before-dependency-install'],
  },
  {
    name: 'nginx-unprivileged',
    text: D`
FROM nginxinc/nginx-unprivileged:1.27-alpine
COPY --chown=nginx:nginx site/ /usr/share/nginx/html/
EXPOSE 8080
`,
    silent: ['root-user'],
  },
  {
    name: 'debian-tools-bad',
    text: D`
FROM debian
RUN apt-get update && apt-get upgrade -y && apt-get install -y curl wget vim sudo
RUN curl -sL https://deb.nodesource.com/setup_20.x | bash -
RUN wget --no-check-certificate https://example.com/tool.tar.gz && tar xzf tool.tar.gz -C /opt
RUN cd /opt/tool && ./install.sh
USER root
`,
    fires: ['base-image-tag', 'apt-upgrade', 'apt-lists-not-removed', 'curl-pipe-shell', 'tls-verification-disabled', 'download-not-removed', 'run-cd', 'root-user'],
  },
  {
    name: 'ubuntu-heredoc',
    text: D`
# syntax=docker/dockerfile:1.4
FROM ubuntu:24.04
RUN <<EOF
set -eux
apt-get update
apt-get install -y --no-install-recommends ca-certificates curl
rm -rf /var/lib/apt/lists/*
EOF
COPY <<EOF /etc/app.conf
listen = 0.0.0.0:8080
EOF
RUN <<EOT bash
  set -e
  useradd -m app
EOT
USER app
`,
    silent: ['apt-lists-not-removed', 'apt-no-install-recommends', 'root-user'],
    fires: ['heavy-base-image'],
  },
  {
    name: 'heredoc-python-body',
    text: D`
FROM python:3.12-slim
RUN <<EOF
#!/usr/bin/env python3
import os
print("rm -rf /var/lib/apt/lists/* and apt-get update are just text here")
EOF
RUN python3 <<EOF
print("apt-get update")
EOF
USER 1000
`,
    silent: ['apt-lists-not-removed'],
  },
  {
    name: 'windows-servercore',
    text: D`
# escape=\`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]
RUN Invoke-WebRequest -Uri https://example.com/app.zip -OutFile app.zip; \`
    Expand-Archive app.zip -DestinationPath C:\app; \`
    Remove-Item app.zip
WORKDIR C:\app
CMD app.exe --serve
`,
    silent: ['apt-lists-not-removed', 'workdir-relative', 'json-args-recommended', 'download-not-removed'],
  },
  {
    name: 'windows-nanoserver-dotnet',
    text: D`
# escape=\`
FROM mcr.microsoft.com/dotnet/sdk:8.0-nanoserver-ltsc2022 AS build
WORKDIR C:\src
COPY *.csproj .
RUN dotnet restore
COPY . .
RUN dotnet publish -c Release -o C:\out --no-restore
FROM mcr.microsoft.com/dotnet/aspnet:8.0-nanoserver-ltsc2022
WORKDIR C:\app
COPY --from=build C:\out .
ENTRYPOINT ["dotnet", "app.dll"]
`,
    silent: ['workdir-relative'],
  },
  {
    name: 'crlf-dockerfile',
    text: 'FROM alpine:3.20\r\nRUN apk update \\\r\n    && apk add curl\r\nUSER nobody\r\nCMD ["sh"]\r\n',
    fires: ['apk-no-cache'],
  },
  {
    name: 'comments-in-continuations',
    text: D`
FROM debian:12-slim
RUN apt-get update \
    # tools we need
    && apt-get install -y --no-install-recommends \
        # for downloads
        curl \
        # for certs
        ca-certificates \
    && rm -rf /var/lib/apt/lists/*
USER 1000
`,
    silent: ['apt-lists-not-removed', 'apt-no-install-recommends'],
  },
  {
    name: 'buildkit-syntax-mix',
    text: D`
# syntax=docker/dockerfile:1.7-labs
# check=skip=JSONArgsRecommended
ARG ALPINE=3.20
FROM alpine:\${ALPINE}
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc --network=none true
COPY --link --chmod=755 --parents ./bin/*.sh /usr/local/
COPY --exclude=*.md . /src
ADD --keep-git-dir=true https://github.com/moby/buildkit.git#v0.14.1 /buildkit
HEALTHCHECK --interval=30s --start-interval=2s CMD ["true"]
USER 1000
`,
    silent: ['unknown-syntax', 'undefined-arg-in-from', 'add-remote-without-checksum'],
  },
  {
    name: 'unknown-instructions',
    text: D`
FROM alpine:3.20
FROBNICATE everything
COPY --magic a /b
RUN echo ok
IMPORT foo
USER 1
`,
    fires: ['unknown-syntax'],
  },
  {
    name: 'onbuild-base',
    text: D`
FROM node:20-slim
WORKDIR /app
ONBUILD COPY package*.json ./
ONBUILD RUN npm ci
ONBUILD COPY . .
USER node
`,
    fires: ['onbuild'],
  },
  {
    name: 'secrets-and-tls',
    text: D`
FROM node:20-slim
ARG GITHUB_TOKEN
ARG DB_PASSWORD=postgres
ENV NPM_CONFIG_STRICT_SSL=false NODE_TLS_REJECT_UNAUTHORIZED=0
RUN git config --global http.sslVerify false && npm config set strict-ssl false
USER node
`,
    fires: ['secret-in-arg-env', 'tls-verification-disabled'],
  },
  {
    name: 'centos-yum',
    text: D`
FROM centos:7
RUN yum -y update && yum -y install httpd && yum clean all
EXPOSE 80
CMD ["/usr/sbin/httpd", "-D", "FOREGROUND"]
`,
    fires: ['apt-upgrade', 'root-user'],
    silent: ['rpm-cache-not-cleaned'],
  },
  {
    name: 'ubi-microdnf',
    text: D`
FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4
RUN microdnf install -y shadow-utils java-21-openjdk-headless
RUN useradd -u 1001 app
USER 1001
`,
    fires: ['rpm-cache-not-cleaned'],
  },
  {
    name: 'fedora-dnf-nogpg',
    text: D`
FROM fedora:40
RUN dnf install -y --nogpgcheck https://example.com/pkg.rpm && dnf clean all
USER 1000
`,
    fires: ['tls-verification-disabled'],
    silent: ['rpm-cache-not-cleaned'],
  },
  {
    name: 'opensuse-zypper',
    text: D`
FROM opensuse/leap:15.6
RUN zypper --non-interactive install --no-recommends curl && zypper clean --all
USER nobody
`,
    silent: ['rpm-cache-not-cleaned'],
  },
  {
    name: 'duplicate-stages-and-args',
    text: D`
FROM node:\${NODE_VERSION} AS build
RUN npm ci
FROM node:20-slim AS build
WORKDIR app
COPY --from=build / /
USER node
`,
    fires: ['undefined-arg-in-from', 'duplicate-stage-name', 'workdir-relative', 'copy-from-whole-filesystem'],
  },
  {
    name: 'exec-form-runs',
    text: D`
FROM debian:12-slim
RUN ["apt-get", "update"]
RUN ["/bin/sh", "-c", "apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*"]
USER 1000
`,
    fires: ['apt-lists-not-removed'],
  },
  {
    name: 'sudo-user-setup',
    text: D`
FROM ubuntu:22.04
RUN apt-get update && apt-get install -y --no-install-recommends sudo && rm -rf /var/lib/apt/lists/* \
 && useradd -m dev && echo "dev ALL=(ALL) NOPASSWD:ALL" > /etc/sudoers.d/dev
USER dev
RUN sudo mkdir -p /data && sudo chown dev /data
`,
    fires: ['sudo'],
  },
  {
    name: 'deno-distroless',
    text: D`
FROM denoland/deno:2.0.0 AS build
WORKDIR /app
COPY . .
RUN deno compile --allow-net -o server main.ts
FROM gcr.io/distroless/cc-debian12
COPY --from=build /app/server /server
USER nonroot
ENTRYPOINT ["/server"]
`,
    silent: ['root-user', 'heavy-base-image'],
  },
  {
    name: 'elixir-release',
    text: D`
ARG ELIXIR_VERSION=1.17.2
ARG OTP_VERSION=27.0.1
ARG DEBIAN_VERSION=bookworm-20240722-slim
ARG BUILDER_IMAGE="hexpm/elixir:\${ELIXIR_VERSION}-erlang-\${OTP_VERSION}-debian-\${DEBIAN_VERSION}"
ARG RUNNER_IMAGE="debian:\${DEBIAN_VERSION}"
FROM \${BUILDER_IMAGE} AS builder
RUN apt-get update -y && apt-get install -y build-essential git && apt-get clean && rm -f /var/lib/apt/lists/*_*
WORKDIR /app
RUN mix local.hex --force && mix local.rebar --force
ENV MIX_ENV="prod"
COPY mix.exs mix.lock ./
RUN mix deps.get --only $MIX_ENV
COPY . .
RUN mix release
FROM \${RUNNER_IMAGE}
RUN apt-get update -y && apt-get install -y libstdc++6 openssl libncurses5 locales ca-certificates \
  && apt-get clean && rm -f /var/lib/apt/lists/*_*
WORKDIR "/app"
RUN chown nobody /app
COPY --from=builder --chown=nobody:root /app/_build/prod/rel/app ./
USER nobody
CMD ["/app/bin/server"]
`,
    silent: ['undefined-arg-in-from', 'base-image-tag'],
  },
  {
    name: 'empty-lines-and-casing',
    text: D`

from alpine:3.20 as Base

run apk add --no-cache bash

workdir /srv
copy . .
user 1000
cmd ["bash"]
`,
    silent: ['apk-no-cache', 'workdir-relative'],
  },
  {
    name: 'hadolint-ignores',
    text: D`
# hadolint global ignore=DL3059
FROM debian:12-slim
# hadolint ignore=DL3008,DL3009,DL3015
RUN apt-get update && apt-get install -y curl
RUN echo done
USER 1000
`,
    silent: ['apt-lists-not-removed', 'apt-no-install-recommends', 'consecutive-run'],
  },
];
