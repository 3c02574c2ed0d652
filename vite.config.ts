import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// The app is served with a Content-Security-Policy (see index.html) that forbids network
// connections; the worker is bundled as an ES module so it can import the core.
export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true },
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
