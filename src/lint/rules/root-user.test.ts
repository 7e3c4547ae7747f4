import rule from './root-user.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    'FROM node:20-slim\nUSER node',
    'FROM debian:12-slim\nUSER root\nRUN apt-get install -y x\nUSER 1000:1000',
    'FROM gcr.io/distroless/static-debian12:nonroot',
    { name: 'Windows images have no root user', code: 'FROM mcr.microsoft.com/dotnet/aspnet:8.0-nanoserver-ltsc2022\nENTRYPOINT ["dotnet", "app.dll"]' },
    { name: 'USER inherited from the stage it is FROM', code: 'FROM node:20-slim AS base\nUSER node\nFROM base\nCMD ["node"]' },
    { name: 'a GitHub Action runs as root by design', code: 'FROM alpine:3.20\nLABEL "com.github.actions.name"="lint"\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]' },
    { name: 'an nginx site keeps the image\'s server, whose workers run as nginx', code: 'FROM nginx:1.27-alpine\nCOPY site/ /usr/share/nginx/html/' },
    { name: 'postgres with its entrypoint kept steps down to postgres itself', code: 'FROM postgres:16\nCOPY init.sql /docker-entrypoint-initdb.d/\nCMD ["postgres", "-c", "shared_buffers=256MB"]' },
    { name: 'build stages may be root', code: 'FROM node:20 AS build\nRUN x\nFROM node:20-slim\nUSER node' },
  ],
  invalid: [
    { name: 'an official server image runs its own CMD: not a base image', code: 'FROM php:8.3-apache\nCOPY . /var/www/html/', errors: [{ messageId: 'missing', line: 1 }] },
    { name: 'postgres with an ENTRYPOINT of its own no longer steps down', code: 'FROM postgres:16\nENTRYPOINT ["postgres"]', errors: [{ messageId: 'missing', line: 1 }], suggestion: null },
    { name: 'a look-alike image of another registry is not the official one', code: 'FROM registry.example.com/nginx:1.27\nCMD ["nginx", "-g", "daemon off;"]', errors: [{ messageId: 'missing', line: 1 }], suggestion: null },
    { code: 'FROM node:20-slim\nCMD ["node"]', errors: [{ messageId: 'missing', line: 1, column: 1 }], suggestion: 'FROM node:20-slim\nUSER node\nCMD ["node"]' },
    { code: 'FROM node:20-slim\nUSER node\nUSER root', errors: [{ messageId: 'root', line: 3, column: 6, data: { user: 'root' } }] },
    { code: 'FROM node:20-slim\nUSER 0:0', errors: [{ messageId: 'root', line: 2 }] },
    { name: 'only the final stage counts', code: 'FROM node:20-slim AS a\nUSER node\nFROM node:20-slim\nCMD ["x"]', errors: [{ messageId: 'missing', line: 3 }], suggestion: 'FROM node:20-slim AS a\nUSER node\nFROM node:20-slim\nUSER node\nCMD ["x"]' },
  ],
});
