import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

/**
 * Builds the agent web app into dist/, which the server serves at / with an
 * SPA fallback. JSX goes through esbuild's automatic runtime, so no React
 * plugin is needed; in development /api is proxied to a locally running server.
 */
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  esbuild: { jsx: "automatic" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      onwarn(warning, warn) {
        // Mantine marks its modules "use client" for React Server Components; irrelevant in an SPA.
        if (warning.code === "MODULE_LEVEL_DIRECTIVE") return;
        warn(warning);
      },
      output: {
        // Libraries change less often than the app, so they get a long-cached file of their own.
        // One chunk only: splitting them further creates import cycles between chunks.
        manualChunks(id) {
          return id.includes("node_modules") ? "vendor" : undefined;
        },
      },
    },
  },
  server: {
    proxy: {
      "/api": { target: "http://127.0.0.1:3000", changeOrigin: false },
    },
  },
});
