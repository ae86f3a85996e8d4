import { readFile, readdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import * as bg from "@prisma/schema-engine-wasm/schema_engine_bg";

// Prisma's CLI wants a native schema engine that cannot be downloaded here, so migrations run
// through Prisma's own WebAssembly schema engine over the same driver adapter the app uses
// (docs/decisions/003-migrations-wasm-schema-engine.md).

export const prismaDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const migrationsDir = path.join(prismaDir, "migrations");
export const schemaPath = path.join(prismaDir, "schema.prisma");

// Node's global WebAssembly, typed just enough (the DOM lib that declares it is not loaded here).
const wasm = (
  globalThis as unknown as {
    WebAssembly: { instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: object } }> };
  }
).WebAssembly;

let wasmReady: Promise<void> | undefined;
function loadWasm(): Promise<void> {
  wasmReady ??= (async () => {
    const require = createRequire(import.meta.url);
    const wasmPath = path.join(
      path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg")),
      "schema_engine_bg.wasm",
    );
    const bytes = await readFile(wasmPath);
    const { instance } = await wasm.instantiate(bytes, { "./schema_engine_bg.js": bg });
    const exports = instance.exports as { __wbindgen_start: () => void };
    (bg as unknown as { __wbg_set_wasm: (e: object) => void }).__wbg_set_wasm(exports);
    exports.__wbindgen_start();
  })();
  return wasmReady;
}

type Engine = bg.SchemaEngine;
const filters = { externalTables: [], externalEnums: [] };

async function withEngine<T>(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  fn: (engine: Engine, schema: string) => Promise<T>,
): Promise<T> {
  await loadWasm();
  const schema = await readFile(schemaPath, "utf8");
  const logs: string[] = [];
  const engine = await bg.SchemaEngine.new(
    { datamodels: [[schemaPath, schema]] },
    (msg: string) => logs.push(msg),
    bindMigrationAwareSqlAdapterFactory(adapterFactory),
  );
  try {
    return await fn(engine, schema);
  } finally {
    engine.free();
  }
}

export interface MigrationFile {
  name: string;
  sql: string;
}

export async function listMigrations(): Promise<MigrationFile[]> {
  if (!existsSync(migrationsDir)) return [];
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => ({ name, sql: await readFile(path.join(migrationsDir, name, "migration.sql"), "utf8") })),
  );
}

async function migrationsList() {
  const migrations = await listMigrations();
  const lockPath = path.join(migrationsDir, "migration_lock.toml");
  const lockContent = existsSync(lockPath) ? await readFile(lockPath, "utf8") : null;
  return {
    baseDir: migrationsDir,
    lockfile: { path: "migration_lock.toml", content: lockContent },
    shadowDbInitScript: "",
    migrationDirectories: migrations.map((m) => ({
      path: m.name,
      migrationFile: { path: "migration.sql", content: { tag: "ok" as const, value: m.sql } },
    })),
  };
}

/** Applies pending migrations in order; records them in `_prisma_migrations` like `prisma migrate deploy`. */
export async function applyMigrations(adapterFactory: SqlMigrationAwareDriverAdapterFactory): Promise<string[]> {
  return withEngine(adapterFactory, async (engine) => {
    const result = await engine.applyMigrations({ migrationsList: await migrationsList(), filters } as never);
    return (result as { appliedMigrationNames: string[] }).appliedMigrationNames;
  });
}

/**
 * SQL that takes a database with every existing migration applied to what schema.prisma says.
 * Empty when they agree. `fromEmpty` gives the SQL of the very first migration.
 */
export async function diffSchemaAgainstDatabase(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  opts: { fromEmpty?: boolean } = {},
): Promise<string> {
  return withEngine(adapterFactory, async (engine, schema) => {
    const files = [{ path: schemaPath, content: schema }];
    const result = await engine.diff({
      from: opts.fromEmpty ? { tag: "empty" } : { tag: "schemaDatasource", files, configDir: prismaDir },
      to: { tag: "schemaDatamodel", files },
      script: true,
      exitCode: null,
      filters,
    } as never);
    return ((result as { stdout?: string }).stdout ?? "").trim();
  });
}

export const EMPTY_DIFF_MARKER = "-- This is an empty migration.";

export function isEmptyDiff(sql: string): boolean {
  return sql === "" || sql === EMPTY_DIFF_MARKER;
}
