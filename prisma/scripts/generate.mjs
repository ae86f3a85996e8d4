// Generates the Prisma client into prisma/generated/client (gitignored).
// Usage: pnpm db:generate
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

const dir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const result = spawnSync("pnpm", ["exec", "prisma", "generate", "--schema", "schema.prisma"], {
  cwd: dir,
  stdio: "inherit",
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: path.join(dir, "scripts", "not-used-schema-engine"),
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
  },
});
process.exit(result.status ?? 1);
