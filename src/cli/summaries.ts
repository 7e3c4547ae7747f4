// The one-line summary of each command: its help's description, and its line in `whittle --help`,
// which lists the commands without loading them (start-up pays only for the command that runs).
export const SUMMARIES = {
  analyze: 'Show where every byte of an image goes, what is wasted, and what to change',
  lint: 'Lint Dockerfiles for size, cache and safety problems',
  rules: 'List the lint rules, with the hadolint, trivy, checkov and BuildKit checks they cover',
  context: 'Show what `docker build` sends: files and bytes after .dockerignore, COPY sources, secrets',
  fix: 'Apply safe fixes to a Dockerfile (a diff by default, --write to apply)',
  squash: 'Merge layers into one, dropping what later layers deleted or replaced',
  strip: 'Remove what an image should not ship: package caches, docs, unused locales, bytecode, build tools on request',
  report: 'Write an HTML page of where the bytes go: treemap, layers, findings, Dockerfile lines',
  minify: 'Cut an image down to what its entrypoint needs, in one layer, and say why each file was kept',
  variants: 'Build the app\'s image every way whittle knows, measure each and prove it still runs: the size table',
  ls: 'List the files of an image, or of one layer with what it adds, changes and deletes',
  build: 'Build a Node project into a reproducible image on a Node base, without an engine',
} as const;

/** VERSION is whittle's version: `--version`, and the tool entry of the SBOMs `whittle build --sbom` writes. */
export const VERSION = '0.1.0';
