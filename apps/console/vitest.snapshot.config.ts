import { fileURLToPath } from "node:url";
import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config";
// TEMPORARY (not for commit): run against the committed domain while packages/domain is mid-edit.
export default mergeConfig(base, defineConfig({ resolve: { alias: { "@firebreak/domain": fileURLToPath(new URL("./.domain-snap/src/index.ts", import.meta.url)) } } }));
