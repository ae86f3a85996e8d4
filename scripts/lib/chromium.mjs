// The e2e tier runs Playwright in Debian's Chromium (Playwright's own browser download cannot
// reach its server here). Installs it when missing and this is root; otherwise says how.
import { existsSync } from "node:fs";
import { run } from "./proc.mjs";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Resolves to true when Chromium is (now) installed. */
export async function ensureChromium() {
  if (existsSync(CHROMIUM)) return true;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot) {
    console.error(
      `Chromium is not installed at ${CHROMIUM}. Install it once with:\n` +
        "  sudo apt-get update && sudo apt-get install -y chromium\n" +
        "(or set CHROMIUM_PATH to another Chromium build).",
    );
    return false;
  }
  console.log(`Chromium is missing: installing Debian's chromium package (once)`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const update = await run("apt-get", ["update"], { env });
  if (update.code !== 0) return false;
  const install = await run("apt-get", ["install", "-y", "chromium"], { env });
  return install.code === 0 && existsSync(CHROMIUM);
}
