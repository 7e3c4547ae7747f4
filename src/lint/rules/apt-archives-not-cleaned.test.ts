import rule from './apt-archives-not-cleaned.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    { name: 'the setting written into apt.conf.d by an earlier RUN', code: 'FROM registry.example.com/base/debian:12\nRUN echo \'APT::Keep-Downloaded-Packages "false";\' > /etc/apt/apt.conf.d/99keep\nRUN apt-get update && apt-get install -y curl' },
    { name: '-o APT::Keep-Downloaded-Packages=false', code: 'FROM registry.example.com/base/debian:12\nRUN apt-get update && apt-get install -y -o APT::Keep-Downloaded-Packages=false curl' },
    { name: 'apt (not apt-get) deletes the packages it downloaded', code: 'FROM registry.example.com/base/debian:12\nRUN apt update && apt install -y curl' },
    { name: 'apt-get dist-clean', code: 'FROM registry.example.com/base/debian:13\nRUN apt-get update && apt-get install -y curl && apt-get dist-clean' },
    { name: 'an official Debian-family base has the docker-clean hook', code: 'FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl' },
    { name: 'official images built on debian too', code: 'FROM python:3.12-slim\nRUN apt-get update && apt-get install -y gcc' },
    { name: 'apt-get clean after the install', code: 'FROM registry.example.com/base/debian:12\nRUN apt-get update && apt-get install -y curl && apt-get clean' },
    { name: 'the archives removed after the install', code: 'FROM registry.example.com/base/debian:12\nRUN apt-get install -y curl && rm -rf /var/cache/apt/archives/*.deb' },
    { name: 'a cache mount on /var/cache/apt', code: 'FROM registry.example.com/base/debian:12\nRUN --mount=type=cache,target=/var/cache/apt apt-get install -y curl' },
    { name: 'a build-only stage', code: 'FROM registry.example.com/base/debian:12 AS build\nRUN apt-get install -y gcc\nFROM registry.example.com/base/debian:12\nCOPY --from=build /x /x' },
    { name: 'a base given by an argument cannot be judged', code: 'ARG BASE=debian:12\nFROM $BASE\nRUN apt-get install -y curl' },
  ],
  invalid: [
    { name: 'apt told to keep them', code: 'FROM registry.example.com/base/debian:12\nRUN apt install -y -o APT::Keep-Downloaded-Packages=true curl', errors: [{ messageId: 'unknownBase', line: 2 }], output: 'FROM registry.example.com/base/debian:12\nRUN apt install -y -o APT::Keep-Downloaded-Packages=true curl && apt-get clean' },
    {
      name: 'a base that is not an official image: advice',
      code: 'FROM registry.example.com/base/debian:12\nRUN apt-get update && apt-get install -y curl',
      errors: [{ messageId: 'unknownBase', line: 2, column: 23, severity: 'info', data: { hook: '/etc/apt/apt.conf.d/docker-clean', archives: '/var/cache/apt/archives', base: 'registry.example.com/base/debian:12' } }],
      output: 'FROM registry.example.com/base/debian:12\nRUN apt-get update && apt-get install -y curl && apt-get clean',
    },
    {
      name: 'the Dockerfile deleted the hook (the cache-mount recipe) but this RUN mounts no cache',
      code: 'FROM debian:12\nRUN rm -f /etc/apt/apt.conf.d/docker-clean\nRUN set -eux; apt-get update; apt-get install -y curl; curl --version',
      errors: [{ messageId: 'hookDeleted', line: 3, severity: 'warning' }],
      output: 'FROM debian:12\nRUN rm -f /etc/apt/apt.conf.d/docker-clean\nRUN set -eux; apt-get update; apt-get install -y curl; apt-get clean; curl --version',
    },
    {
      name: 'a rootfs ADDed to scratch has no hook either',
      code: 'FROM scratch\nADD rootfs.tar.xz /\nRUN apt-get install -y curl',
      errors: [{ messageId: 'unknownBase', line: 3 }],
      output: 'FROM scratch\nADD rootfs.tar.xz /\nRUN apt-get install -y curl && apt-get clean',
    },
  ],
});
