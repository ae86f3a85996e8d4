// Builds the demo organisation. Usage: pnpm db:seed [--if-empty]
// Refuses to put demo accounts (with a published password) into a non-embedded database
// unless SEED_DEMO_ACCOUNTS=1 says so explicitly.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DEMO_PASSWORD, ROLES, demoUsernames, roleLabels } from "@firebreak/domain";
import { databaseTargetFromEnv, describeTarget, openDatabase, type Database } from "./src/database.js";
import { createUser } from "./factories/index.js";

/** File in $DATA_DIR that says the demo fleet still has to be played in (read by scripts/start.mjs). */
export const DEMO_FLEET_PENDING = "demo-fleet.pending";

const demoDisplayNames: Record<(typeof ROLES)[number], string> = {
  ADMIN: "Alex Admin",
  ERT_LEAD: "Erin Lead",
  ERT_MEMBER: "Evan Member",
  SMS_ADMIN: "Sam Sms-Admin",
  MANAGER: "Morgan Manager",
  OBSERVER: "Olive Observer",
};

export async function seedDemo(
  database: Database,
  opts: { ifEmpty: boolean; allowNonEmbedded: boolean },
): Promise<"seeded" | "skipped-not-empty"> {
  if (!database.embedded && !opts.allowNonEmbedded) {
    throw new Error(
      `Refusing to create demo accounts (password "${DEMO_PASSWORD}") in ${describeTarget(database.target)}. Set SEED_DEMO_ACCOUNTS=1 if you really want them there.`,
    );
  }
  const { prisma } = database;
  if (opts.ifEmpty && (await prisma.user.count()) > 0) return "skipped-not-empty";
  for (const role of ROLES) {
    const username = demoUsernames[role];
    if (await prisma.user.findUnique({ where: { username } })) continue;
    await createUser(prisma, { username, displayName: demoDisplayNames[role], role, password: DEMO_PASSWORD });
  }
  return "seeded";
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop() ?? "");
if (isMain) {
  const target = databaseTargetFromEnv(process.env);
  const database = await openDatabase(target);
  try {
    const result = await seedDemo(database, {
      ifEmpty: process.argv.includes("--if-empty"),
      allowNonEmbedded: process.env.SEED_DEMO_ACCOUNTS === "1",
    });
    if (result === "seeded") {
      // npm start fills the demo fleet through the API (pnpm sim) once the server listens; this
      // marker tells it to, and is removed when the fleet is in.
      if (process.env.DATA_DIR) {
        mkdirSync(process.env.DATA_DIR, { recursive: true });
        writeFileSync(path.join(process.env.DATA_DIR, DEMO_FLEET_PENDING), new Date().toISOString() + "\n");
      }
      console.log(
        `seeded the demo organisation into ${describeTarget(target)}: ${ROLES.map((r) => `${demoUsernames[r]} (${roleLabels[r]})`).join(", ")}`,
      );
    } else {
      console.log(`${describeTarget(target)} already has data: demo seed skipped`);
    }
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  } finally {
    await database.close();
  }
  process.exit(process.exitCode ?? 0);
}
