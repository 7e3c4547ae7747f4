// Whole Dockerfiles in the styles seen in the wild, written for this project (none is copied from
// another one): official-image `set -eux; …; …` scripts, trixie's apt-get dist-clean, base and CI
// toolchain images without a command, a GitHub Action, multi-stage builds with stages the target
// does not build, heredocs, long `&&` chains, desktop-app, compose-style, .NET and CI tool images.
// Each lists every finding whittle reports, as `line ruleId/messageId`, with a verdict reviewed by
// hand: a plain string is a true positive; `{ finding, falsePositive }` is one whittle reports that
// is not worth acting on, and says why. test/real-world.test.ts checks that whittle reports exactly
// these (a new finding must be reviewed here) and the fixes; test/rule-precision.test.ts turns the
// verdicts into the per-rule precision table of docs/rules/README.md.

/** A finding as `line ruleId/messageId`: a string when true, with the reason when false. */
export type Verdict = string | { finding: string; falsePositive: string };

export interface RealWorldFile {
  name: string;
  text: string;
  /** every finding whittle reports, in order, with its verdict */
  findings: Verdict[];
  target?: string;
}

/** findingOf: the `line ruleId/messageId` a verdict is about. */
export const findingOf = (v: Verdict): string => (typeof v === 'string' ? v : v.finding);

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
    findings: ['1 root-user/baseImage', ],
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
    // GitHub runs Docker actions as root and asks them not to set USER: root-user says nothing
    findings: [],
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
  {
    name: 'official-image style build-from-source (bookworm, savedAptMark, tarball checksum)',
    text: lines(
      'FROM debian:bookworm-slim',
      'ENV REDIS_VERSION=7.2.5',
      'ENV REDIS_SHA256=5981179706f8391f03be91d951acafaeda91af7fac56beffb2701963103e423d',
      'RUN set -eux; \\',
      '    savedAptMark="$(apt-mark showmanual)"; \\',
      '    apt-get update; \\',
      '    apt-get install -y --no-install-recommends ca-certificates wget gcc libc6-dev make; \\',
      '    wget -O redis.tar.gz "https://download.redis.io/releases/redis-$REDIS_VERSION.tar.gz"; \\',
      '    echo "$REDIS_SHA256 *redis.tar.gz" | sha256sum -c -; \\',
      '    mkdir -p /usr/src/redis; \\',
      '    tar -xzf redis.tar.gz -C /usr/src/redis --strip-components=1; \\',
      '    rm redis.tar.gz; \\',
      '    make -C /usr/src/redis -j "$(nproc)" all; \\',
      '    make -C /usr/src/redis install; \\',
      '    rm -r /usr/src/redis; \\',
      '    apt-mark auto \'.*\' > /dev/null; \\',
      '    [ -z "$savedAptMark" ] || apt-mark manual $savedAptMark > /dev/null; \\',
      '    apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false; \\',
      '    rm -rf /var/lib/apt/lists/*',
      'RUN groupadd -r redis && useradd -r -g redis redis',
      'WORKDIR /data',
      'USER redis',
      'EXPOSE 6379',
      'CMD ["redis-server"]',
    ),
    findings: [
          ],
  },
  {
    name: 'a desktop-app image from a personal collection (sudo, apt without cleanup, .deb download)',
    text: lines(
      'FROM ubuntu:22.04',
      'MAINTAINER someone <someone@example.com>',
      'ENV DEBIAN_FRONTEND=noninteractive',
      'RUN apt-get update && apt-get install -y \\',
      '    sudo \\',
      '    curl \\',
      '    libgtk-3-0 \\',
      '    libnotify4 \\',
      '    libnss3 \\',
      '    xdg-utils',
      'RUN curl -L -o /tmp/app.deb https://example.com/downloads/app_2.1.0_amd64.deb \\',
      '    && apt-get install -y /tmp/app.deb \\',
      '    && rm /tmp/app.deb',
      'RUN useradd -m -s /bin/bash user \\',
      '    && echo "user ALL=(ALL) NOPASSWD:ALL" > /etc/sudoers.d/user',
      'USER user',
      'WORKDIR /home/user',
      'CMD ["/usr/bin/app"]',
    ),
    findings: [
      { finding: '1 heavy-base-image/heavy', falsePositive: 'the .deb it installs is built for Ubuntu 22.04; moving distributions to save ~30 MB risks the install' },
      '2 maintainer-deprecated/deprecated',
      '4 apt-lists-not-removed/missing',
      '4 apt-no-install-recommends/missing',
      '12 apt-no-install-recommends/missing',
      '15 sudo/nopasswd',
    ],
  },
  {
    name: 'a compose-style Node API with a build step in one stage',
    text: lines(
      'FROM node:18',
      'WORKDIR /app',
      'COPY . .',
      'RUN npm install',
      'RUN npm run build',
      'RUN chown -R node:node /app',
      'USER node',
      'EXPOSE 8080',
      'CMD npm start',
    ),
    findings: [
      '1 heavy-base-image/heavy',
      '3 copy-before-dependency-install/order',
      '4 build-tools-in-final-stage/devDependencies',
      '4 node-package-cache/missing',
      '5 consecutive-run/merge',
      '6 recursive-chown-after-copy/duplicate',
      '9 json-args-recommended/shellForm',
      '9 npm-as-pid1/packageManager',
    ],
  },
  {
    name: 'a microservice in .NET, multi-stage',
    text: lines(
      'FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build',
      'WORKDIR /src',
      'COPY . .',
      'RUN dotnet publish -c Release -o /app/publish',
      '',
      'FROM mcr.microsoft.com/dotnet/aspnet:8.0',
      'WORKDIR /app',
      'COPY --from=build /app/publish .',
      'USER app',
      'EXPOSE 8080',
      'ENTRYPOINT ["dotnet", "Orders.Api.dll"]',
    ),
    findings: [
      '3 copy-before-dependency-install/dotnet',
    ],
  },
  {
    name: 'a CI tool image that downloads a binary (no checksum) and a kubectl with one',
    text: lines(
      'FROM debian:bookworm-slim',
      'ARG KUBECTL_VERSION=v1.30.2',
      'RUN apt-get update \\',
      ' && apt-get install -y --no-install-recommends ca-certificates curl git \\',
      ' && rm -rf /var/lib/apt/lists/*',
      'RUN curl -fsSL -o /usr/local/bin/yq https://github.com/mikefarah/yq/releases/download/v4.44.2/yq_linux_amd64 \\',
      ' && chmod +x /usr/local/bin/yq',
      'RUN curl -fsSLO "https://dl.k8s.io/release/${KUBECTL_VERSION}/bin/linux/amd64/kubectl" \\',
      ' && curl -fsSLO "https://dl.k8s.io/release/${KUBECTL_VERSION}/bin/linux/amd64/kubectl.sha256" \\',
      ' && echo "$(cat kubectl.sha256)  kubectl" | sha256sum --check \\',
      ' && install -m 0755 kubectl /usr/local/bin/kubectl \\',
      ' && rm kubectl kubectl.sha256',
    ),
    findings: [
      '1 root-user/baseImage',
      '6 unverified-download/unverified',
    ],
  },
  {
    name: 'a Python app that clones a tool and chowns it in a later RUN',
    text: lines(
      'FROM python:3.11-slim',
      'ENV PIP_DISABLE_PIP_VERSION_CHECK=1',
      'RUN apt-get update && apt-get install -y --no-install-recommends git && rm -rf /var/lib/apt/lists/*',
      'RUN git clone --depth 1 https://github.com/example/tool.git /opt/tool \\',
      ' && pip install /opt/tool',
      'RUN useradd -m app && chown -R app:app /opt/tool',
      'ENV API_TOKEN=changeme',
      'ENV TOOL_VERSION=1.4.2',
      'USER app',
      'WORKDIR /opt/tool',
      'CMD ["python", "-m", "tool"]',
    ),
    findings: [
      '4 consecutive-run/merge',
      '5 pip-no-cache-dir/missing',
      '6 recursive-chown-after-copy/afterRun',
      '7 secret-in-arg-env/secret',
    ],
  },
  {
    name: 'a Fedora-based builder image with dnf',
    text: lines(
      'FROM fedora:40',
      'RUN dnf install -y gcc make git && dnf clean all',
      'RUN curl -sSL https://example.com/install.sh | sh',
      'WORKDIR /work',
    ),
    findings: [
      '1 root-user/baseImage',
            '3 curl-pipe-shell/pipe',
    ],
  },
  {
    name: 'an Alpine static site with ADD and a relative WORKDIR',
    text: lines(
      'FROM nginx:1.27-alpine',
      'ADD site/ /usr/share/nginx/html/',
      'WORKDIR html',
      'RUN apk add --no-cache curl',
      'HEALTHCHECK CMD curl -f http://localhost/ || exit 1',
    ),
    findings: [
      '2 add-instead-of-copy/useCopy',
      '3 workdir-relative/relative',
    ],
  },
  {
    name: 'a legacy CentOS service image with sshd (yum, ADD of a URL, EXPOSE 22)',
    text: lines(
      'FROM centos:7',
      'RUN yum install -y openssh-server java-11-openjdk-headless',
      'ADD https://example.com/releases/service-3.2.jar /opt/service/service.jar',
      'RUN ssh-keygen -A',
      'EXPOSE 22 8080',
      'CMD ["/bin/sh", "-c", "/usr/sbin/sshd && exec java -jar /opt/service/service.jar"]',
    ),
    findings: [
      '1 root-user/missing',
      '2 rpm-cache-not-cleaned/missing',
      '3 add-remote-without-checksum/unpinned',
      '5 expose-ssh-port/ssh',
    ],
  },
  {
    name: 'an in-house CI runner image on latest with a heredoc and an insecure download',
    text: lines(
      'FROM ubuntu:latest',
      'RUN apt-get update && apt-get upgrade -y && apt-get install -y --no-install-recommends ca-certificates wget make \\',
      ' && rm -rf /var/lib/apt/lists/*',
      'RUN wget --no-check-certificate -O /tmp/tool.tar.gz https://internal.example.com/tool.tar.gz \\',
      ' && tar -xzf /tmp/tool.tar.gz -C /opt',
      'RUN <<EOF',
      'cd /opt/tool',
      'make install',
      'EOF',
      'RUN cd /opt/tool && make check',
    ),
    findings: [
      '1 root-user/baseImage',
      '1 base-image-tag/latest',
      '1 heavy-base-image/heavy',
      '2 apt-upgrade/upgrade',
      '4 download-not-removed/kept',
      '4 tls-verification-disabled/command',
      '6 heredoc-without-errexit/missing',
      '7 run-cd/leading',
      '10 run-cd/leading',
    ],
  },
  {
    name: 'a team base image with ONBUILD triggers and a build argument for its base',
    text: lines(
      'ARG DEBIAN_TAG',
      'FROM debian:${DEBIAN_TAG}',
      'RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-pip \\',
      ' && apt-get clean && rm -rf /var/lib/apt/lists/*',
      'WORKDIR /app',
      'ONBUILD COPY requirements.txt .',
      'ONBUILD RUN pip3 install --break-system-packages --no-cache-dir -r requirements.txt',
      'ONBUILD COPY . .',
    ),
    findings: [
      '2 root-user/baseImage',
      '6 onbuild/trigger',
      '7 onbuild/trigger',
      '8 onbuild/trigger',
    ],
  },
  {
    name: 'a Rust service, multi-stage, sources copied before the build',
    text: lines(
      'FROM rust:1.80-bookworm AS build',
      'WORKDIR /src',
      'COPY . .',
      'RUN cargo build --release --locked',
      '',
      'FROM debian:bookworm-slim',
      'RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*',
      'COPY --from=build /src/target/release/svc /usr/local/bin/svc',
      'USER 65532',
      'ENTRYPOINT ["/usr/local/bin/svc"]',
    ),
    findings: [
      '3 copy-before-dependency-install/cargo',
    ],
  },
  {
    name: 'a directory-server image from a personal collection (ENV credentials and versions, plain-http download)',
    text: lines(
      'FROM debian:bookworm-slim',
      'ENV LDAP_ROOTPASS=fsociety \\',
      '    LDAP_ORGANISATION="Example Inc" \\',
      '    DOCKER_AUTH_VERSION=1.5.0 \\',
      '    LICENSE_KEY=4f1c-88aa-19be-0d2e',
      'RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends slapd ldap-utils wget \\',
      ' && rm -rf /var/lib/apt/lists/*',
      'RUN wget -q http://downloads.example.com/schemas/extra.ldif -O /etc/ldap/schema/extra.ldif',
      'EXPOSE 389',
      'CMD ["slapd", "-d", "0"]',
    ),
    findings: [
      '1 root-user/missing',
      '2 secret-in-arg-env/secret',
      '5 secret-in-arg-env/secret',
            '8 unverified-download/plainHttp',
    ],
  },
  {
    name: 'a Node tool image with yarn global add and a dry-run apt check',
    text: lines(
      'FROM node:20-bookworm-slim',
      'RUN apt-get update && apt-get install -s -y git > /dev/null',
      'RUN yarn global add serve@14',
      'USER node',
      'CMD ["serve", "-s", "/srv"]',
    ),
    findings: [
      '2 apt-lists-not-removed/missing',
            '3 node-package-cache/missing',
    ],
  },
];
