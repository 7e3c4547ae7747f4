// Whole Dockerfiles in the styles seen in the wild, written for this project (none is copied from
// another one): official-image `set -eux; …; …` scripts, trixie's apt-get dist-clean, base and CI
// toolchain images without a command, a GitHub Action, multi-stage builds with stages the target
// does not build, heredocs, long `&&` chains. Each lists every finding whittle must report, as
// `line ruleId/messageId`, reviewed by hand: a finding that is not listed is a false positive, a
// listed one that is missing a false negative. test/real-world.test.ts checks them and the fixes.

export interface RealWorldFile {
  name: string;
  text: string;
  /** every finding, `line ruleId/messageId`, in order */
  findings: string[];
  target?: string;
}

const lines = (...l: string[]): string => `${l.join('\n')}\n`;

export const REAL_WORLD: RealWorldFile[] = [
  {
    name: 'official-image style runtime on trixie (set -eux, savedAptMark, dist-clean)',
    text: lines(
      'FROM debian:trixie-slim',
      'ENV LANG=C.UTF-8',
      'RUN set -eux; \\',
      '    savedAptMark="$(apt-mark showmanual)"; \\',
      '    apt-get update; \\',
      '    apt-get install -y --no-install-recommends ca-certificates curl gnupg; \\',
      '    curl -fsSLo /usr/local/bin/tini https://github.com/krallin/tini/releases/download/v0.19.0/tini-amd64; \\',
      '    echo "93dcc18adc78c65a028a84799ecf8ad40c936fdfc5f2a57b1acda5a8117fa82c  /usr/local/bin/tini" | sha256sum -c -; \\',
      '    chmod +x /usr/local/bin/tini; \\',
      "    apt-mark auto '.*' > /dev/null; \\",
      '    [ -z "$savedAptMark" ] || apt-mark manual $savedAptMark; \\',
      '    apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false; \\',
      '    apt-get dist-clean',
      'ENTRYPOINT ["/usr/local/bin/tini", "--"]',
      'CMD ["bash"]',
    ),
    findings: ['1 root-user/missing'],
  },
  {
    name: 'a base image meant to be built FROM (no command)',
    text: lines(
      'FROM debian:bookworm-slim',
      'RUN apt-get update \\',
      ' && apt-get install -y --no-install-recommends ca-certificates git openssh-client \\',
      ' && rm -rf /var/lib/apt/lists/*',
      'ENV GIT_TERMINAL_PROMPT=0',
    ),
    findings: ['1 root-user/baseImage'],
  },
  {
    name: 'a Go CI toolchain image (no command)',
    text: lines(
      'FROM golang:1.23-bookworm',
      'RUN apt-get update && apt-get install -y --no-install-recommends jq \\',
      ' && rm -rf /var/lib/apt/lists/*',
      'RUN go install github.com/golangci/golangci-lint/cmd/golangci-lint@v1.61.0 \\',
      ' && go clean -cache',
      'WORKDIR /src',
    ),
    findings: ['1 root-user/baseImage', '4 consecutive-run/merge'],
  },
  {
    name: 'a GitHub Action',
    text: lines(
      'FROM alpine:3.20',
      'LABEL "com.github.actions.name"="shellcheck" "com.github.actions.description"="Run shellcheck"',
      'RUN apk add --no-cache shellcheck bash',
      'COPY entrypoint.sh /entrypoint.sh',
      'ENTRYPOINT ["/entrypoint.sh"]',
    ),
    findings: ['1 root-user/missing'],
  },
  {
    name: 'a Python web app, apt and pip in one stage',
    text: lines(
      'FROM python:3.12-slim',
      'WORKDIR /app',
      'RUN apt-get update && apt-get install -y libpq5 && rm -rf /var/lib/apt/lists/*',
      'COPY requirements.txt .',
      'RUN pip install --no-cache-dir -r requirements.txt',
      'COPY . .',
      'USER 10001',
      'CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]',
    ),
    findings: ['3 apt-no-install-recommends/missing'],
  },
  {
    name: 'a Node app started with npm',
    text: lines(
      'FROM node:20',
      'WORKDIR /usr/src/app',
      'COPY package*.json ./',
      'RUN npm ci --omit=dev && npm cache clean --force',
      'COPY . .',
      'EXPOSE 3000',
      'CMD ["npm", "start"]',
    ),
    findings: ['1 root-user/missing', '1 heavy-base-image/heavy', '7 npm-as-pid1/packageManager'],
  },
  {
    name: 'multi-stage with a test stage the target does not build',
    target: 'runtime',
    text: lines(
      'FROM golang:1.23 AS build',
      'WORKDIR /src',
      'COPY go.mod go.sum ./',
      'RUN go mod download',
      'COPY . .',
      'RUN CGO_ENABLED=0 go build -o /out/server ./cmd/server',
      '',
      'FROM build AS test',
      'RUN apt-get update && apt-get upgrade -y && go test ./...',
      '',
      'FROM gcr.io/distroless/static-debian12:nonroot AS runtime',
      'COPY --from=build /out/server /server',
      'ENTRYPOINT ["/server"]',
    ),
    // the build stage gets cache-mount advice; the test stage is not built for this target
    findings: ['4 go-build-cache/buildStage', '6 go-build-cache/buildStage'],
  },
  {
    name: 'a heredoc install under set -e with a later step',
    text: lines(
      '# syntax=docker/dockerfile:1',
      'FROM ubuntu:24.04',
      'RUN <<EOF',
      'set -e',
      'apt-get update',
      'apt-get install -y --no-install-recommends python3 python3-venv',
      'python3 -m venv /opt/venv',
      'EOF',
      'ENV PATH=/opt/venv/bin:$PATH',
      'USER ubuntu',
      'CMD ["python3", "-m", "http.server"]',
    ),
    findings: ['2 heavy-base-image/heavy', '5 apt-lists-not-removed/missing'],
  },
  {
    name: 'an Alpine service with apk update first',
    text: lines(
      'FROM alpine:3.20',
      'RUN apk update && apk add --no-cache nginx',
      'COPY nginx.conf /etc/nginx/nginx.conf',
      'RUN chmod -R 777 /var/lib/nginx',
      'EXPOSE 8080',
      'CMD ["nginx", "-g", "daemon off;"]',
    ),
    findings: ['1 root-user/missing', '2 apk-no-cache/update', '4 world-writable/chmod'],
  },
];
