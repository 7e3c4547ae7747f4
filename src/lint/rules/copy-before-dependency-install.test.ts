import rule from './copy-before-dependency-install.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    'FROM node:20-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .',
    'FROM node:20-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .',
    'FROM python:3.12-slim\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .',
    'FROM golang:1.22\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nRUN go build ./...',
    { name: 'no install after the copy', code: 'FROM nginx:1.27\nCOPY . /usr/share/nginx/html' },
    { name: 'npm install of a named package is not a lockfile install', code: 'FROM node:20-slim\nCOPY . .\nRUN npm install -g serve' },
  ],
  invalid: [
    { code: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci', errors: [{ messageId: 'order', line: 3, column: 6, data: { source: '.', install: 'npm ci', line: 4, manifest: 'package.json package-lock.json' } }], suggestion: 'FROM node:20-slim\nWORKDIR /app\nCOPY package.json package-lock.json* npm-shrinkwrap.json* ./\nRUN npm ci\nCOPY . .\n' },
    { code: 'FROM python:3.12-slim\nCOPY . /app\nRUN pip install -r /app/requirements.txt', errors: [{ messageId: 'order', line: 2, data: { source: '.', install: 'pip install -r', line: 3, manifest: 'requirements.txt' } }] },
    { code: 'FROM ruby:3.3-slim\nCOPY . .\nRUN bundle install', errors: [{ messageId: 'order', line: 2 }], suggestion: 'FROM ruby:3.3-slim\nCOPY Gemfile Gemfile.lock* ./\nRUN bundle install\nCOPY . .\n' },
  ],
});
