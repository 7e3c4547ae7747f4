import { describe, expect, it } from 'vitest';
import { TOOLCHAINS, isCBuildPackage, toolchainOfPackage, toolchainOfPath } from './toolchains.js';

describe('toolchains', () => {
  it.each([
    ['usr/bin/gcc', 'c'],
    ['usr/bin/gcc-12', 'c'],
    ['usr/bin/x86_64-linux-gnu-g++-12', 'c'],
    ['usr/local/bin/clang++', 'c'],
    ['usr/lib/gcc/x86_64-linux-gnu/12/cc1', 'c'],
    ['usr/bin/x86_64-linux-gnu-ld.bfd', 'binutils'],
    ['usr/bin/make', 'make'],
    ['usr/include/stdio.h', 'headers'],
    ['usr/lib/x86_64-linux-gnu/libc.a', 'static-libs'],
    ['usr/lib/x86_64-linux-gnu/pkgconfig/zlib.pc', 'pkg-config'],
    ['usr/local/lib/node_modules/npm/node_modules/node-gyp/package.json', 'node-gyp'],
    ['usr/local/go/bin/go', 'go'],
    ['usr/lib/go-1.19/bin/go', 'go'],
    ['usr/lib/go/src/fmt/print.go', 'go'],
    ['usr/lib/golang/bin/go', 'go'],
    ['usr/local/cargo/bin/cargo', 'rust'],
    ['root/.rustup/toolchains/stable/bin/rustc', 'rust'],
    ['usr/lib/jvm/java-17-openjdk-amd64/bin/javac', 'jdk'],
    ['usr/lib/jvm/java-17-openjdk-amd64/jmods/java.base.jmod', 'jdk'],
    ['opt/java/openjdk/include/jni.h', 'jdk'],
    ['usr/share/maven/lib/maven-core.jar', 'java-build'],
    // runtimes and look-alikes
    ['usr/lib/jvm/java-17-openjdk-amd64/bin/java', undefined],
    ['usr/lib/jvm/java-17-openjdk-amd64/lib/modules', undefined],
    ['usr/bin/c++filt', undefined],
    ['usr/lib/gconv/UTF-16.so', undefined],
    ['usr/lib/goodies/x', undefined],
    ['app/include/x.h', undefined],
  ])('toolchainOfPath(%s) = %s', (path, id) => {
    expect(toolchainOfPath(path)?.id).toBe(id);
  });

  it.each([
    ['build-essential', 'c'],
    ['build-base', 'c'],
    ['gcc-12', 'c'],
    ['g++', 'c'],
    ['gcc-c++', 'c'],
    ['binutils', 'binutils'],
    ['cmake', 'make'],
    ['libssl-dev', 'headers'],
    ['libc6-dev', 'c'],
    ['pkgconf', 'pkg-config'],
    ['openssl-devel', 'headers'],
    ['golang-go', 'go'],
    ['golang-1.22-go', 'go'],
    ['go', 'go'],
    ['rustc', 'rust'],
    ['openjdk-17-jdk-headless', 'jdk'],
    ['default-jdk', 'jdk'],
    ['java-21-openjdk-devel', 'jdk'],
    ['openjdk17-jdk', 'jdk'],
    ['maven', 'java-build'],
    ['openjdk-17-jre-headless', undefined],
    ['openjdk17-jre', undefined],
    ['java-17-openjdk', undefined],
    ['libssl3', undefined],
    ['ca-certificates', undefined],
  ])('toolchainOfPackage(%s) = %s', (name, id) => {
    expect(toolchainOfPackage(name)?.id).toBe(id);
  });

  it.each([
    ['build-essential', true], ['libc6-dev', true], ['libc-dev', true], ['musl-dev', true], ['linux-headers', true], ['ninja-build', true], ['pkgconf', true], ['binutils', true],
    ['libssl-dev', false], ['python3-dev', false], ['golang-go', false], ['git', false],
  ])('isCBuildPackage(%s) = %s', (name, want) => {
    expect(isCBuildPackage(name)).toBe(want);
  });

  it('every toolchain that packages install also names the paths they occupy', () => {
    for (const t of TOOLCHAINS) expect(t.paths.length, t.id).toBeGreaterThan(0);
  });
});
