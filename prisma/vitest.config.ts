import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "db", include: ["**/*.test.ts"], exclude: ["node_modules/**", "generated/**"], testTimeout: 120_000 },
});
