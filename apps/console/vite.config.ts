import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const apiTarget = process.env.FIREBREAK_API_URL ?? "http://localhost:3000";

// The console is a static SPA. In production the API serves apps/console/dist under the same
// origin; in development Vite proxies /api to the API so cookies and CSRF work the same way.
export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: {
      "/api": { target: apiTarget, changeOrigin: false },
    },
  },
  preview: {
    proxy: {
      "/api": { target: apiTarget, changeOrigin: false },
    },
  },
  build: {
    outDir: fileURLToPath(new URL("./dist", import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      output: {
        // Libraries change less often than our code: separate chunks keep them cached across releases.
        codeSplitting: {
          groups: [
            { name: "react", test: /node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/ },
            {
              name: "mantine",
              test: /node_modules[\\/](@mantine[\\/](?!charts[\\/])|@floating-ui|react-remove-scroll|react-transition-group|dayjs)/,
            },
            // Small packages the charts share with everything else stay out of the charts chunk.
            {
              name: "shared",
              test: /node_modules[\\/](use-sync-external-store|clsx|react-is|tiny-invariant)[\\/]/,
            },
            // Charts (Mantine charts on recharts) are needed by a few lazy screens only: their own chunk,
            // loaded with those screens (their small stylesheet stays with the entry).
            {
              name: "charts",
              test: /node_modules[\\/](@mantine[\\/]charts|recharts|victory-vendor|d3-[a-z]+|internmap|decimal\.js-light|es-toolkit|@reduxjs|redux|redux-thunk|react-redux|reselect|immer|eventemitter3)[\\/](?!.*\.css$)/,
            },
            { name: "vendor", test: /node_modules[\\/]/ },
          ],
        },
      },
    },
  },
});
