import rule from './copy-before-dependency-install.js';
import { ruleTester } from '../testing.js';

ruleTester(rule, {
  valid: [
    { name: 'cargo-chef cooked the dependencies before the sources', code: 'FROM rust:1.80\nCOPY recipe.json recipe.json\nRUN cargo chef cook --release --recipe-path recipe.json\nCOPY . .\nRUN cargo build --release' },
    { name: 'cargo with the manifests copied first (the stub recipe)', code: 'FROM rust:1.80\nCOPY Cargo.toml Cargo.lock ./\nRUN mkdir src && echo "fn main(){}" > src/main.rs && cargo build --release\nCOPY . .\nRUN cargo build --release' },
    'FROM node:20-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .',
    'FROM node:20-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .',
    'FROM python:3.12-slim\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .',
    'FROM golang:1.22\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nRUN go build ./...',
    { name: 'no install after the copy', code: 'FROM nginx:1.27\nCOPY . /usr/share/nginx/html' },
    { name: 'npm install of a named package is not a lockfile install', code: 'FROM node:20-slim\nCOPY . .\nRUN npm install -g serve' },
    { name: 'a project file copied by name counts for dotnet restore (*.csproj)', code: 'FROM mcr.microsoft.com/dotnet/sdk:8.0\nWORKDIR /src\nCOPY App.csproj ./\nCOPY . .\nRUN dotnet restore' },
    { name: 'dotnet publish after a restore of the project files', code: 'FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /src\nCOPY *.csproj ./\nRUN dotnet restore\nCOPY . .\nRUN dotnet publish -c Release -o /out' },
    { name: 'dotnet publish --no-restore restores nothing', code: 'FROM mcr.microsoft.com/dotnet/sdk:8.0\nCOPY . .\nRUN dotnet publish --no-restore -c Release -o /out' },
    { name: 'mvn with pom.xml copied first', code: 'FROM maven:3-eclipse-temurin-21\nCOPY pom.xml .\nCOPY . .\nRUN mvn -B dependency:go-offline' },
  ],
  invalid: [
    { code: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci', errors: [{ messageId: 'order', line: 3, column: 6, data: { source: '.', install: 'npm ci', line: 4, manifest: 'package.json package-lock.json' } }], suggestion: 'FROM node:20-slim\nWORKDIR /app\nCOPY package.json package-lock.json* npm-shrinkwrap.json* ./\nRUN npm ci\nCOPY . .\n' },
    { code: 'FROM python:3.12-slim\nCOPY . /app\nRUN pip install -r /app/requirements.txt', errors: [{ messageId: 'order', line: 2, data: { source: '.', install: 'pip install -r', line: 3, manifest: 'requirements.txt' } }] },
    {
      name: 'pip reading a wheel directory and a local package: each is copied first to its own place',
      code: 'FROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN pip install --no-index --find-links wheels -r requirements.txt ./ext',
      errors: [{ messageId: 'order', line: 3 }],
      suggestion: 'FROM python:3.11\nWORKDIR /app\nCOPY requirements.txt ./\nCOPY wheels ./wheels\nCOPY ext ./ext\nRUN pip install --no-index --find-links wheels -r requirements.txt ./ext\nCOPY . .\n',
    },
    {
      name: 'pip: a requirements file in a directory, a constraints file, --find-links=DIR and a remote index',
      code: 'FROM python:3.11\nWORKDIR /app\nCOPY --chown=app . .\nRUN pip install -r requirements/prod.txt -c constraints.txt --find-links=./vendor/ -i https://pypi.example/simple',
      errors: [{ messageId: 'order', line: 3 }],
      suggestion: 'FROM python:3.11\nWORKDIR /app\nCOPY --chown=app requirements/prod.txt ./requirements/prod.txt\nCOPY --chown=app constraints.txt ./constraints.txt\nCOPY --chown=app vendor ./vendor\nRUN pip install -r requirements/prod.txt -c constraints.txt --find-links=./vendor/ -i https://pypi.example/simple\nCOPY --chown=app . .\n',
    },
    { name: 'pip installing the sources themselves: no reordering', code: 'FROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt .', errors: [{ messageId: 'order', line: 3 }], suggestion: null },
    { name: 'pip -e . : no reordering', code: 'FROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt -e .', errors: [{ messageId: 'order', line: 3 }], suggestion: null },
    { name: 'pip reading a path outside the working directory: no reordering', code: 'FROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt --find-links ../wheels', errors: [{ messageId: 'order', line: 3 }], suggestion: null },
    { code: 'FROM ruby:3.3-slim\nCOPY . .\nRUN bundle install', errors: [{ messageId: 'order', line: 2 }], suggestion: 'FROM ruby:3.3-slim\nCOPY Gemfile Gemfile.lock* ./\nRUN bundle install\nCOPY . .\n' },
    { code: 'FROM mcr.microsoft.com/dotnet/sdk:8.0\nCOPY . .\nRUN dotnet restore', errors: [{ messageId: 'order', line: 2, data: { source: '.', install: 'dotnet restore', line: 3, manifest: '*.csproj *.fsproj' } }] },
    { name: 'dotnet publish restores the packages itself after COPY . .', code: 'FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -o /out\nFROM mcr.microsoft.com/dotnet/aspnet:8.0\nCOPY --from=build /out /app\nENTRYPOINT ["dotnet", "/app/App.dll"]', errors: [{ messageId: 'dotnet', line: 3, data: { source: '.', install: 'dotnet publish', line: 4 } }] },
    { code: 'FROM rust:1.80\nCOPY . .\nRUN cargo fetch', errors: [{ messageId: 'cargo', line: 2, data: { source: '.', install: 'cargo fetch', line: 3 } }] },
    { name: 'cargo build: dependencies and sources in one step', code: 'FROM rust:1.80 AS build\nWORKDIR /src\nCOPY . .\nRUN cargo build --release\nFROM debian:12-slim\nCOPY --from=build /src/target/release/app /app\nCMD ["/app"]', errors: [{ messageId: 'cargo', line: 3, data: { source: '.', install: 'cargo build', line: 4 } }] },
    { code: 'FROM maven:3-eclipse-temurin-21\nCOPY . .\nRUN mvn -B dependency:go-offline', errors: [{ messageId: 'order', line: 2, data: { source: '.', install: 'mvn -B dependency:go-offline', line: 3, manifest: 'pom.xml' } }], suggestion: 'FROM maven:3-eclipse-temurin-21\nCOPY pom.xml ./\nRUN mvn -B dependency:go-offline\nCOPY . .\n' },
  ],
});
