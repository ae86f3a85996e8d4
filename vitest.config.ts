import { defineConfig } from "vitest/config";

// One project per workspace. The API project runs its integration tests against a database
// per test worker: embedded PGlite by default, PostgreSQL when TEST_DATABASE_URL is set.
export default defineConfig({
  test: {
    projects: ["packages/domain", "packages/simulator", "prisma", "apps/api", "apps/console"],
  },
});
