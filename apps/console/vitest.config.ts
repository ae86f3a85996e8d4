import react from "@vitejs/plugin-react";
import { defineProject } from "vitest/config";

export default defineProject({
  plugins: [react()],
  test: {
    name: "console",
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["./test/setup.ts"],
    restoreMocks: true,
    // jsdom rendering of the larger screens takes seconds on a loaded 2-core machine; the default
    // 5 s limit turned load into failures. Findings still fail fast on assertions.
    testTimeout: 20_000,
    unstubGlobals: true,
  },
});
