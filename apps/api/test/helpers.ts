import { afterAll, inject } from "vitest";
import { readFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import pg from "pg";
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import { openDatabase, type Database } from "@firebreak/db";
import { createUser, TEST_PASSWORD } from "@firebreak/db/factories";
import { CSRF_HEADER, SESSION_COOKIE, type Role, type Session } from "@firebreak/domain";
import { buildApp, type AppOptions } from "../src/app.js";

export { TEST_PASSWORD };

/** A fresh, migrated database of its own for the calling test file. */
export async function openTestDatabase(): Promise<Database> {
  const pgTemplate = inject("postgresTemplate");
  if (pgTemplate) {
    const name = `firebreak_test_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: pgTemplate.adminUrl });
    await admin.connect();
    // Copying a template needs it to have no other connections: one copy at a time.
    await admin.query("SELECT pg_advisory_lock(727300)");
    try {
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${pgTemplate.templateName}`);
    } finally {
      await admin.query("SELECT pg_advisory_unlock(727300)");
    }
    const url = new URL(pgTemplate.adminUrl);
    url.pathname = `/${name}`;
    const db = await openDatabase({ kind: "postgres", url: url.toString(), poolSize: 4 });
    const close = db.close;
    return {
      ...db,
      close: async () => {
        await close();
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      },
    };
  }
  const templatePath = inject("pgliteTemplatePath");
  if (!templatePath) throw new Error("no test database template was provided (global setup did not run)");
  const bytes = await readFile(templatePath);
  return openDatabase({ kind: "pglite-memory", loadDataDir: new Blob([bytes]) });
}

export interface TestApp {
  app: FastifyInstance;
  db: Database;
}

/** Builds the whole API on a database of its own; closes both after the file's tests. */
export async function buildTestApp(opts: Partial<AppOptions> = {}): Promise<TestApp> {
  const db = await openTestDatabase();
  const app = await buildApp({ database: db, ...opts });
  await app.ready();
  afterAll(async () => {
    await app.close();
    await db.close();
  });
  return { app, db };
}

export interface Client {
  session: Session;
  cookie: string;
  inject(opts: InjectOptions & { headers?: Record<string, string> }): Promise<LightMyRequestResponse>;
}

export async function login(
  app: FastifyInstance,
  username: string,
  password = TEST_PASSWORD,
  ip = "10.9.9.9",
): Promise<Client> {
  const res = await app.inject({
    method: "POST",
    url: "/api/auth/login",
    payload: { username, password },
    remoteAddress: ip,
  });
  if (res.statusCode !== 200) throw new Error(`login as ${username} failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE);
  if (!cookie) throw new Error("login set no session cookie");
  const session = res.json<Session>();
  return {
    session,
    cookie: cookie.value,
    inject: (o) =>
      app.inject({
        ...o,
        cookies: { [SESSION_COOKIE]: cookie.value },
        headers: { [CSRF_HEADER]: session.csrfToken, ...(o.headers ?? {}) },
      }),
  };
}

/** A new user with `role`, signed in. */
export async function userWithRole(
  t: TestApp,
  role: Role,
  username?: string,
): Promise<Client & { userId: string; username: string }> {
  const user = await createUser(t.db.prisma, { role, ...(username ? { username } : {}) });
  const client = await login(t.app, user.username);
  return { ...client, userId: user.id, username: user.username };
}
