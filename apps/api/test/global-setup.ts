import type { TestProject } from "vitest/node";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { applyMigrations, openDatabase } from "@firebreak/db";

declare module "vitest" {
  export interface ProvidedContext {
    pgliteTemplatePath: string | null;
    postgresTemplate: { adminUrl: string; templateName: string } | null;
  }
}

const TEMPLATE_DB = `firebreak_test_template_${process.pid}`;

/** Migrates one template database per test run; every test file clones it. */
export default async function setup(project: TestProject) {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl) {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB}`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
    const url = new URL(adminUrl);
    url.pathname = `/${TEMPLATE_DB}`;
    const db = await openDatabase({ kind: "postgres", url: url.toString(), poolSize: 2 });
    await applyMigrations(db.adapterFactory);
    await db.close();
    project.provide("postgresTemplate", { adminUrl, templateName: TEMPLATE_DB });
    project.provide("pgliteTemplatePath", null);
    return async () => {
      // Clones are dropped by their test files; the template goes last.
      await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
      await admin.end();
    };
  }

  const dir = await mkdtemp(path.join(tmpdir(), "firebreak-api-test-"));
  const db = await openDatabase({ kind: "pglite-memory" });
  await applyMigrations(db.adapterFactory);
  const dump = await db.dumpDataDir!();
  const file = path.join(dir, "template.tar");
  await writeFile(file, Buffer.from(await dump.arrayBuffer()));
  await db.close();
  project.provide("pgliteTemplatePath", file);
  project.provide("postgresTemplate", null);
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}
