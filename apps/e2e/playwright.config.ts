import { defineConfig, devices } from "@playwright/test";
import path from "node:path";
import { fileURLToPath } from "node:url";

// Critical journeys through the real product: the API server serving the built console, on a
// fresh embedded database (scripts/e2e-server.mjs). `npm test` runs this as its last tier and
// picks a free port (E2E_PORT); on its own, `pnpm test:e2e` uses 3100 after `npm run setup`.

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;

/** Debian's Chromium: Playwright's own browser download cannot reach its server here. */
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// Without the networking flags Chromium floods the closed network with connection attempts.
const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export default defineConfig({
  testDir: "./specs",
  outputDir: path.join(repoRoot, ".test-output", "e2e-artifacts"),
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["json", { outputFile: path.join(repoRoot, ".test-output", "e2e.json") }]],
  use: {
    ...devices["Desktop Chrome"],
    baseURL,
    locale: "en-GB",
    timezoneId: "UTC",
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
  },
  projects: [{ name: "chromium" }],
  webServer: {
    command: `node ${JSON.stringify(path.join(repoRoot, "scripts", "e2e-server.mjs"))}`,
    url: `${baseURL}/api/health`,
    env: { E2E_PORT: String(port) },
    reuseExistingServer: false,
    timeout: 180_000,
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    stdout: "ignore",
    stderr: "pipe",
  },
});
