import rule from './heavy-base-image.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    { name: 'a tag from an ARG without a default is unknown (it may name a slim variant)', code: 'ARG DEBIAN_TAG\nFROM debian:${DEBIAN_TAG}\nCMD ["bash"]' },
    'FROM node:20-slim',
    'FROM python:3.12-alpine',
    'FROM gcr.io/distroless/static-debian12',
    { name: 'a toolchain image without a command is a CI or builder image', code: 'FROM golang:1.22\nRUN go install golang.org/x/tools/cmd/goimports@latest' },
    { name: 'heavy base in a build-only stage is fine', code: 'FROM golang:1.22 AS build\nFROM scratch\nCOPY --from=build /app /app' },
    'FROM eclipse-temurin:21-jre',
    'FROM debian:bookworm-slim',
  ],
  invalid: [
    { code: 'FROM node:20', errors: [{ messageId: 'heavy', line: 1, column: 6, data: { image: 'node:20', suggest: 'node:20-slim or node:20-alpine', saving: 'the full image is ~1 GB, -slim ~200 MB, -alpine ~130 MB', caveat: 'the alpine variant uses musl libc: prebuilt glibc binaries and some native modules/wheels break there; -slim keeps glibc' } }], suggestion: 'FROM node:20-slim' },
    { code: 'FROM golang:1.22\nCMD ["app"]', errors: [{ messageId: 'heavy', line: 1 }] },
    { name: 'a tag that names a Debian release keeps it', code: 'FROM python:3.13-trixie\nCMD ["python"]', errors: [{ messageId: 'heavy', line: 1, data: { image: 'python:3.13-trixie', suggest: 'python:3.13-slim-trixie', saving: 'the full image is ~1 GB, -slim ~130 MB', caveat: 'the alpine variant uses musl libc: prebuilt glibc binaries and some native modules/wheels break there; -slim keeps glibc' } }], suggestion: 'FROM python:3.13-slim-trixie\nCMD ["python"]' },
    { name: 'debian:trixie → trixie-slim, not bookworm', code: 'FROM debian:trixie\nCMD ["bash"]', errors: [{ messageId: 'heavy', line: 1 }], suggestion: 'FROM debian:trixie-slim\nCMD ["bash"]' },
    { code: 'FROM docker.io/library/python:3.12', errors: [{ messageId: 'heavy', line: 1 }], suggestion: 'FROM docker.io/library/python:3.12-slim' },
  ],
});
