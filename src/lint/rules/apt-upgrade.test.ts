import rule from './apt-upgrade.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    { name: 'a stage the --target does not build', target: 'app', code: 'FROM debian:12 AS app\nRUN echo\nFROM debian:12 AS other\nRUN apt-get update && apt-get upgrade -y' },
    { name: 'a build-only stage ships nothing twice', code: 'FROM debian:12 AS build\nRUN apt-get update && apt-get upgrade -y\nFROM debian:12-slim\nCOPY --from=build /etc/os-release /x' },
    'FROM debian:12\nRUN apt-get update && apt-get install -y curl',
    'FROM fedora:40\nRUN dnf update -y curl',
    { name: 'upgrade as a package name argument', code: 'FROM debian:12\nRUN apt-get install -y upgrade-helper' },
    'FROM alpine:3.20\nRUN apk add --no-cache curl',
  ],
  invalid: [
    { code: 'FROM debian:12\nRUN apt-get update && apt-get upgrade -y', errors: [{ messageId: 'upgrade', line: 2, column: 23, data: { command: 'apt-get upgrade' } }] },
    { code: 'FROM debian:12\nRUN apt-get -y dist-upgrade', errors: [{ messageId: 'upgrade', line: 2 }] },
    { code: 'FROM alpine:3.20\nRUN apk upgrade --no-cache', errors: [{ messageId: 'upgrade', line: 2 }] },
    { code: 'FROM centos:7\nRUN yum -y update', errors: [{ messageId: 'upgrade', line: 2 }] },
    { code: 'FROM opensuse/leap:15\nRUN zypper -n dup', errors: [{ messageId: 'upgrade', line: 2 }] },
  ],
});
