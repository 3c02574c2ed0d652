import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { VitePWA, type ManifestOptions } from 'vite-plugin-pwa';
import { viteSingleFile } from 'vite-plugin-singlefile';

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

/**
 * The one-file build's policy (`vite build --mode single`, opened from file://): no origin to
 * trust, so nothing is allowed by place. Scripts only by the hashes of the page's own inline
 * scripts (filled in after inlining), workers only from the blob: URLs the page makes of its own
 * inlined worker code, and no connections at all (the demo is inside the file).
 */
function singleFileCsp(scriptHashes: string[]): string {
  return [
    "default-src 'none'",
    "connect-src 'none'",
    'img-src blob: data:',
    "style-src 'unsafe-inline'",
    `script-src ${scriptHashes.map((h) => `'${h}'`).join(' ')} 'wasm-unsafe-eval'`,
    'worker-src blob:',
    "object-src 'none'",
    "frame-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

function contentSecurityPolicy(): Plugin {
  return {
    name: 'packscope-csp',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP }, injectTo: 'head-prepend' }],
  };
}

const root = import.meta.dirname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; description: string };

/** The commit the build was made from, abbreviated; empty outside a git checkout (a tarball). */
function buildCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short=10', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

/**
 * What the installed app registers with the operating system: its name and icons, and the git
 * files it opens from the desktop (File Handling API, Chromium). A `multi-pack-index` has no
 * extension to register, so it can only be dropped or opened with its folder; `.midx` covers the
 * layers of an incremental chain. The MIME names are ours: systems match these by extension.
 */
const manifest: Partial<ManifestOptions> = {
  id: '/',
  name: 'packscope',
  short_name: 'packscope',
  description: pkg.description,
  start_url: '/',
  scope: '/',
  display: 'standalone',
  background_color: '#ffffff',
  theme_color: '#0b63ce',
  icons: [
    { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
    { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
    { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    { src: 'favicon.svg', sizes: 'any', type: 'image/svg+xml' },
  ],
  file_handlers: [
    {
      action: '/',
      accept: {
        'application/x-git-pack': ['.pack'],
        'application/x-git-pack-index': ['.idx'],
        'application/x-git-pack-reverse-index': ['.rev'],
        'application/x-git-multi-pack-index': ['.midx'],
        'application/x-git-bitmap': ['.bitmap'],
      },
    },
  ],
};

/**
 * The installable app: a service worker that precaches the build's own files (every script chunk,
 * worker, grammar, style, icon and the embedded demo repository) and nothing else. No runtime
 * caching: a request it has not precached goes to the network untouched, and a repository's
 * bytes never reach it (they are read from Blob/File objects, which no service worker sees).
 * New builds wait for the person to choose "Reload" (registerType 'prompt').
 */
function installableApp(): Plugin[] {
  return VitePWA({
    registerType: 'prompt',
    injectRegister: false,
    manifest,
    // The glob below takes the icons with everything else (the plugin adds the manifest itself).
    includeManifestIcons: false,
    workbox: {
      globPatterns: ['**/*.{js,css,html,svg,png}', 'demo/**/*'],
      // A large chunk left out would break the offline start without a word; the e2e test
      // checks that every built script and style is in the precache list.
      maximumFileSizeToCacheInBytes: 16 * 1024 * 1024,
      navigateFallback: 'index.html',
      cleanupOutdatedCaches: true,
      runtimeCaching: [],
    },
  });
}

/**
 * `npm run dev` and `npm start` share a port (5173). A service worker installed by the built app
 * would keep serving that build over the dev server, so the dev server answers its update check
 * with a worker that removes itself and reloads the pages it served.
 */
function retireServiceWorkerInDev(): Plugin {
  const retire = [
    'self.addEventListener("install", () => self.skipWaiting());',
    'self.addEventListener("activate", (event) => event.waitUntil((async () => {',
    '  await self.registration.unregister();',
    '  for (const client of await self.clients.matchAll({ type: "window" })) client.navigate(client.url);',
    '})()));',
  ].join('\n');
  return {
    name: 'packscope-retire-service-worker',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use('/sw.js', (_request, response) => {
        response.setHeader('Content-Type', 'text/javascript');
        response.setHeader('Cache-Control', 'no-store');
        response.end(retire);
      });
    },
  };
}

/**
 * The one-file build inlines the workers. The code starts them the way Vite understands in
 * every build, `new Worker(new URL('./file.ts', import.meta.url), options)`; here each becomes
 * Vite's inline worker (its code kept in a string, started from a blob: URL), nested workers
 * included. A Worker started any other way would need a file beside the page: the build stops.
 */
function inlineWorkers(): Plugin {
  const pattern = /new Worker\(\s*new URL\(\s*(['"])([^'"]+)\1\s*,\s*import\.meta\.url\s*\)\s*(?:,\s*)?/g;
  return {
    name: 'packscope-inline-workers',
    enforce: 'pre',
    transform(code, id) {
      if (!/\/src\/.+\.tsx?$/.test(id) || !code.includes('new Worker(')) return null;
      const imports: string[] = [];
      const out = code.replace(pattern, (_match, _quote, spec: string) => {
        const name = `__packscopeInlineWorker${imports.length}`;
        imports.push(`import ${name} from ${JSON.stringify(`${spec}?worker&inline`)};`);
        return `new ${name}(`;
      });
      if (out.includes('new Worker(')) this.error(`${id}: a Worker the one-file build cannot inline; start it as new Worker(new URL('./file.ts', import.meta.url), options)`);
      return { code: `${imports.join('\n')}\n${out}`, map: null };
    },
  };
}

/**
 * The one-file build carries the demo repository inside the engine worker: src/worker/demo.ts
 * (which fetches public/demo from its origin, and a file:// page has none) is replaced by the
 * same reader over the demo's bytes, read here from public/demo and its manifest.
 */
function inlineDemo(): Plugin {
  const demoModule = resolve(root, 'src/worker/demo.ts');
  return {
    name: 'packscope-inline-demo',
    enforce: 'pre',
    load(id) {
      if (id !== demoModule) return null;
      const exported = [...readFileSync(demoModule, 'utf8').matchAll(/export\s+(?:async\s+)?function\s+(\w+)/g)].map((m) => m[1]);
      if (exported.join() !== 'demoReader') this.error(`src/worker/demo.ts exports ${exported.join(', ')}; the one-file build replaces only demoReader`);
      const demo = join(root, 'public/demo');
      const list = (JSON.parse(readFileSync(join(demo, 'manifest.json'), 'utf8')) as { files: { path: string; mtimeMs: number }[] }).files;
      const files = list.map((f) => ({ path: f.path, mtimeMs: f.mtimeMs, base64: readFileSync(join(demo, f.path)).toString('base64') }));
      return [
        `import { fileListReader } from ${JSON.stringify(resolve(root, 'src/worker/directory-readers.ts'))};`,
        `const FILES = ${JSON.stringify(files)};`,
        'function bytesOf(base64) {',
        '  const text = atob(base64);',
        '  const bytes = new Uint8Array(text.length);',
        '  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);',
        '  return bytes;',
        '}',
        'export async function demoReader() {',
        '  return fileListReader(FILES.map((f) => ({ path: f.path, file: Object.assign(new Blob([bytesOf(f.base64)]), { lastModified: f.mtimeMs }) })));',
        '}',
      ].join('\n');
    },
  };
}

/**
 * The one-file build has no service worker. src/app/pwa/start.ts never asks for one there (the
 * import sits behind BUILD.kind), but the bundler still resolves the import: it gets a
 * registerSW that refuses, so a mistake shows instead of registering a worker from file://.
 */
function noServiceWorker(): Plugin {
  const id = '\0packscope-no-service-worker';
  return {
    name: 'packscope-no-service-worker',
    resolveId: (source) => (source === 'virtual:pwa-register' ? id : null),
    load: (loaded) => (loaded === id ? 'export function registerSW() { throw new Error("the one-file build has no service worker"); }' : null),
  };
}

/**
 * Finishes the one-file page after vite-plugin-singlefile has inlined everything: the favicon
 * as a data: URL, the policy with the hashes of the inline scripts, and the name packscope.html.
 */
function singleFilePage(): Plugin {
  const favicon = `data:image/svg+xml;base64,${readFileSync(join(root, 'public/favicon.svg')).toString('base64')}`;
  return {
    name: 'packscope-single-file-page',
    enforce: 'post',
    transformIndexHtml: (html) => html.replace(/href="(?:\.?\/)?favicon\.svg"/, `href="${favicon}"`),
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        const page = bundle['index.html'];
        if (page?.type !== 'asset') return this.error('the one-file build has no index.html');
        let html = String(page.source);
        const leftovers = Object.keys(bundle).filter((name) => name !== 'index.html');
        if (leftovers.length) this.error(`the one-file build left files beside the page: ${leftovers.join(', ')}`);
        if (/<script[^>]*\bsrc=|<link[^>]*rel="(?:stylesheet|modulepreload)"/.test(html)) this.error('the one-file page still loads a script or style from a file');
        const hashes = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => `sha256-${createHash('sha256').update(m[1], 'utf8').digest('base64')}`);
        html = html.replace('<head>', `<head>\n    <meta http-equiv="Content-Security-Policy" content="${singleFileCsp(hashes)}" />`);
        delete bundle['index.html'];
        this.emitFile({ type: 'asset', fileName: 'packscope.html', source: html });
      },
    },
  };
}

export default defineConfig(({ mode }) => {
  const single = mode === 'single';
  const build = { version: pkg.version, commit: buildCommit(), kind: single ? 'single' : 'served' };
  return {
    plugins: single
      ? [react(), inlineWorkers(), noServiceWorker(), viteSingleFile({ removeViteModuleLoader: true }), singleFilePage()]
      : [react(), contentSecurityPolicy(), installableApp(), retireServiceWorkerInDev()],
    define: { __PACKSCOPE_BUILD__: JSON.stringify(build) },
    worker: single
      ? {
          // Classic workers: Chromium refuses a module worker from a blob: URL made by a file://
          // page (its origin is opaque), and starts a classic one.
          format: 'iife',
          plugins: () => [inlineWorkers(), inlineDemo()],
          // One script per worker: a grammar chunk of the highlight worker would be a file.
          rolldownOptions: { output: { codeSplitting: false } },
        }
      : { format: 'es' },
    build: single ? { target: 'es2022', sourcemap: false, outDir: 'dist-single', copyPublicDir: false } : { target: 'es2022', sourcemap: true },
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
  };
});
