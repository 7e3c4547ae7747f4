import rule from './heavy-base-image.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    'FROM node:20-slim',
    'FROM python:3.12-alpine',
    'FROM gcr.io/distroless/static-debian12',
    { name: 'heavy base in a build-only stage is fine', code: 'FROM golang:1.22 AS build\nFROM scratch\nCOPY --from=build /app /app' },
    'FROM eclipse-temurin:21-jre',
    'FROM debian:bookworm-slim',
  ],
  invalid: [
    { code: 'FROM node:20', errors: [{ messageId: 'heavy', line: 1, column: 6, data: { image: 'node:20', suggest: 'node:20-slim or node:20-alpine', saving: 'the full image is ~1 GB, -slim ~200 MB, -alpine ~130 MB', caveat: 'the alpine variant uses musl libc: prebuilt glibc binaries and some native modules/wheels break there; -slim keeps glibc' } }], suggestion: 'FROM node:20-slim' },
    { code: 'FROM golang:1.22', errors: [{ messageId: 'heavy', line: 1 }] },
    { code: 'FROM docker.io/library/python:3.12', errors: [{ messageId: 'heavy', line: 1 }], suggestion: 'FROM docker.io/library/python:3.12-slim' },
  ],
});
