// Boots the API: parse the environment, open and migrate the database, listen, shut down gracefully.
import closeWithGrace from "close-with-grace";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { existsSync } from "node:fs";
import { applyMigrations, databaseTargetFromEnv, describeTarget, openDatabase } from "@firebreak/db";
import { DEMO_PASSWORD, ROLES, demoUsernames, roleLabels } from "@firebreak/domain";
import { buildApp } from "./app.js";
import { EnvError, parseEnv } from "./env.js";

const here = path.dirname(fileURLToPath(import.meta.url));

async function main() {
  let env;
  try {
    env = parseEnv();
  } catch (err) {
    if (err instanceof EnvError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }

  const target = databaseTargetFromEnv(env);
  const database = await openDatabase(target);
  if (env.AUTO_MIGRATE) {
    const applied = await applyMigrations(database.adapterFactory);
    if (applied.length) console.log(`applied ${applied.length} migration(s): ${applied.join(", ")}`);
  }

  const consoleDist = env.CONSOLE_DIST ?? path.resolve(here, "../../console/dist");
  const app = await buildApp({
    database,
    closeDatabase: true,
    sessionIdleMinutes: env.SESSION_IDLE_MINUTES,
    sessionAbsoluteHours: env.SESSION_ABSOLUTE_HOURS,
    cookieSecure: env.COOKIE_SECURE,
    trustProxy: env.TRUST_PROXY,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    consoleDist: existsSync(consoleDist) ? consoleDist : undefined,
    logger: { level: env.LOG_LEVEL },
    haltRules: {
      sweepSeconds: env.HALT_RULE_SWEEP_SECONDS,
      minIntervalSeconds: env.HALT_RULE_MIN_INTERVAL_SECONDS,
    },
  });

  // In-flight requests finish, then the database closes (app onClose hook).
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, "shutting down after an error");
    else app.log.info(`${signal} received, shutting down`);
    await app.close();
  });

  // Old sessions are swept now and then; every request also checks expiry itself.
  const sweep = setInterval(
    () => void app.auth.purgeExpired().catch((err: unknown) => app.log.warn({ err }, "session sweep failed")),
    15 * 60_000,
  );
  sweep.unref();
  app.addHook("onClose", async () => clearInterval(sweep));
  await app.listen({ port: env.PORT, host: env.HOST });

  const url = `http://localhost:${env.PORT}`;
  const lines = [
    "",
    `  Firebreak is running at ${url}`,
    `  API docs: ${url}/api/docs   database: ${describeTarget(target)}`,
  ];
  if (database.embedded) {
    lines.push("", "  Demo sign-ins (password for all: " + DEMO_PASSWORD + "):");
    for (const role of ROLES) lines.push(`    ${demoUsernames[role].padEnd(12)} ${roleLabels[role]}`);
  }
  console.log(lines.join("\n") + "\n");
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
