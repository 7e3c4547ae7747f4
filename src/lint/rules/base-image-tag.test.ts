import rule from './base-image-tag.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    { name: 'FROM $ARG naming an earlier stage is that stage, not an untagged image', code: 'ARG BASE=builder\nFROM alpine:3.20 AS builder\nFROM ${BASE}\nUSER 1000' },
    'FROM node:20-slim',
    'FROM node@sha256:0000000000000000000000000000000000000000000000000000000000000000',
    'FROM scratch',
    { name: 'stage reference', code: 'FROM node:20 AS build\nFROM build' },
    { name: 'ARG with a tagged default', code: 'ARG BASE=node:20-slim\nFROM ${BASE}' },
    'FROM localhost:5000/app:1.2',
  ],
  invalid: [
    { code: 'FROM ubuntu', errors: [{ messageId: 'untagged', line: 1, column: 6 }] },
    { code: 'FROM node:latest', errors: [{ messageId: 'latest', line: 1 }] },
    { code: 'FROM localhost:5000/app', errors: [{ messageId: 'untagged', line: 1, data: { image: 'localhost:5000/app' } }] },
    { name: 'ARG default resolves to latest', code: 'ARG BASE=python:latest\nFROM $BASE', errors: [{ messageId: 'latest', line: 2 }] },
  ],
});
