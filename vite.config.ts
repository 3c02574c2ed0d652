import { availableParallelism } from 'node:os';
import { defineConfig, type Plugin } from 'vitest/config';
import react from '@vitejs/plugin-react';

/**
 * Nothing a repository contains may phone home: the built app carries a Content-Security-Policy
 * that allows no connection except to its own origin (the embedded demo is fetched from there),
 * images only from blob: URLs and itself, and scripts only from itself. 'wasm-unsafe-eval' lets the
 * worker compile hash-wasm's SHA-1/SHA-256, whose WASM ships as base64 inside its JS (no eval, no
 * fetch). The preview server also sends the policy as a header, so the worker (which does not
 * inherit a <meta> policy) is bound by it.
 * The dev server goes without: React's fast refresh needs an inline script.
 */
export const CSP = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self' blob: data:",
  "style-src 'self' 'unsafe-inline'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "object-src 'none'",
  "frame-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'packscope-csp',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP }, injectTo: 'head-prepend' }],
  };
}

export default defineConfig({
  plugins: [react(), contentSecurityPolicy()],
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true },
  preview: { headers: { 'Content-Security-Policy': CSP } },
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // Two test files at a time even on 2 cores (Vitest's default there is one): most suites wait on
    // git and CLI child processes, so a second worker fills the idle core. Measured on 2 cores:
    // 575 s with one, 310 s with two. With more cores, one less than their number, as by default.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
