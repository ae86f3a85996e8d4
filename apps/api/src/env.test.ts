import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env.js";

describe("environment", () => {
  it("has working defaults", () => {
    const env = parseEnv({});
    expect(env).toMatchObject({ PORT: 3000, DATA_DIR: "./data", AUTO_MIGRATE: true });
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it("stops the boot with a message naming the bad variable", () => {
    expect(() => parseEnv({ PORT: "eighty" })).toThrow(EnvError);
    expect(() => parseEnv({ PORT: "eighty" })).toThrow(/PORT/);
    expect(() => parseEnv({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL: must be a postgresql:\/\/ URL/);
  });
});
