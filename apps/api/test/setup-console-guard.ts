import { afterEach, beforeEach, vi, type MockInstance } from "vitest";

// Unexpected console noise fails the test that made it.
let errorSpy: MockInstance;
let warnSpy: MockInstance;
beforeEach(() => {
  errorSpy = vi.spyOn(console, "error");
  warnSpy = vi.spyOn(console, "warn");
});
afterEach(() => {
  const calls = [...errorSpy.mock.calls, ...warnSpy.mock.calls];
  errorSpy.mockRestore();
  warnSpy.mockRestore();
  if (calls.length)
    throw new Error(`console.error/warn was called:\n${calls.map((c) => c.map(String).join(" ")).join("\n")}`);
});
