import { defineProject } from "vitest/config";

// Integration tests through app.inject. Each test file gets its own freshly migrated database:
// an in-memory PGlite cloned from a migrated template, or, when TEST_DATABASE_URL points at a
// PostgreSQL server, a database created from a migrated template database on that server.
export default defineProject({
  test: {
    name: "api",
    include: ["src/**/*.test.ts"],
    globalSetup: ["./test/global-setup.ts"],
    setupFiles: ["./test/setup-console-guard.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
  },
});
