/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// In development (`npm run dev`, port 5174) the API and streams come from a running aggregator on
// 5173; in production the aggregator serves dist/ itself, so everything is one origin.
const aggregator = process.env.AGGREGATOR_URL ?? 'http://127.0.0.1:5173';

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5174,
    proxy: {
      '/api': { target: aggregator },
      '/ws': { target: aggregator, ws: true },
    },
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 400 },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    pool: 'threads',
    maxWorkers: 2,
  },
});
