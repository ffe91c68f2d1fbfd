// The Studio's build: React and Tailwind, hashed assets under /assets/ (the API caches them for a year).
// `pnpm --filter @sora-studio/web dev` serves it with hot reload and proxies the API's routes to the API.
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const apiOrigin = process.env.SORA_API_ORIGIN ?? 'http://127.0.0.1:3000';
const proxied = ['/v1', '/admin', '/files', '/health', '/ready', '/docs'];

export default defineConfig({
  plugins: [react(), tailwindcss()],
  build: { outDir: 'dist', assetsDir: 'assets', sourcemap: false },
  server: {
    port: 5173,
    proxy: Object.fromEntries(proxied.map((path) => [path, {
      target: apiOrigin,
      changeOrigin: false,
      // The Studio's own Admin page lives at /admin: a page load of exactly that path is the app, not the API.
      bypass: (request: { url?: string; headers: { accept?: string } }) =>
        request.url === '/admin' && request.headers.accept?.includes('text/html') ? '/index.html' : undefined,
    }])),
  },
});
