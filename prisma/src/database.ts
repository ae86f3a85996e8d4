import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";
import path from "node:path";
import { mkdirSync } from "node:fs";
import { PrismaClient } from "../generated/client/client.js";

/** Where the data lives. Nothing outside this file knows which kind it is talking to. */
export type DatabaseTarget =
  | { kind: "postgres"; url: string; poolSize?: number }
  | { kind: "pglite"; dataDir: string }
  | { kind: "pglite-memory"; loadDataDir?: Blob | File };

export interface Database {
  prisma: PrismaClient;
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  target: DatabaseTarget;
  /** True when the data sits in this process (PGlite): safe to seed demo accounts into. */
  embedded: boolean;
  /** A dump of an in-memory PGlite (used to clone a migrated template for test workers). */
  dumpDataDir?: () => Promise<Blob | File>;
  close(): Promise<void>;
}

/** No DATABASE_URL: embedded PGlite in $DATA_DIR/pglite. Otherwise: that PostgreSQL server. */
export function databaseTargetFromEnv(env: {
  DATABASE_URL?: string | undefined;
  DATA_DIR?: string | undefined;
  INIT_CWD?: string | undefined;
}): DatabaseTarget {
  if (env.DATABASE_URL) return { kind: "postgres", url: env.DATABASE_URL };
  // A relative DATA_DIR means relative to where the user ran the command (pnpm sets INIT_CWD),
  // not to the workspace package pnpm switched into.
  return { kind: "pglite", dataDir: path.resolve(env.INIT_CWD ?? process.cwd(), env.DATA_DIR ?? "./data", "pglite") };
}

export function describeTarget(target: DatabaseTarget): string {
  switch (target.kind) {
    case "postgres": {
      const url = new URL(target.url);
      return `PostgreSQL at ${url.hostname}:${url.port || "5432"}${url.pathname}`;
    }
    case "pglite":
      return `embedded PGlite in ${target.dataDir}`;
    case "pglite-memory":
      return "embedded PGlite in memory";
  }
}

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === "postgres") {
    const pgFactory = new PrismaPg({ connectionString: target.url, max: target.poolSize ?? 10 });
    const prisma = new PrismaClient({ adapter: pgFactory });
    const opened: { dispose(): Promise<void> }[] = [];
    const adapterFactory = sendingWholeScripts(pgFactory, opened);
    return {
      prisma,
      adapterFactory,
      target,
      embedded: false,
      close: async () => {
        await prisma.$disconnect();
        // Connections the migration engine opened through the factory.
        await Promise.all(opened.splice(0).map((a) => a.dispose()));
      },
    };
  }
  let pglite: PGlite;
  if (target.kind === "pglite") {
    mkdirSync(target.dataDir, { recursive: true });
    pglite = await PGlite.create(target.dataDir);
  } else {
    pglite = await PGlite.create(target.loadDataDir ? { loadDataDir: target.loadDataDir } : {});
  }
  const adapterFactory = new PrismaPGlite(pglite);
  const prisma = new PrismaClient({ adapter: adapterFactory });
  return {
    prisma,
    adapterFactory,
    target,
    embedded: true,
    dumpDataDir: () => pglite.dumpDataDir("none"),
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}

/**
 * @prisma/adapter-pg runs a migration script by splitting it on ";", which breaks dollar-quoted
 * function bodies (our append-only audit trigger). PostgreSQL's simple-query protocol runs a
 * multi-statement script as sent, so the migration path hands it over whole.
 */
function sendingWholeScripts(
  factory: PrismaPg,
  opened: { dispose(): Promise<void> }[],
): SqlMigrationAwareDriverAdapterFactory {
  const wrap = async <T extends { executeScript(script: string): Promise<void>; dispose(): Promise<void> }>(
    adapterPromise: Promise<T>,
  ): Promise<T> => {
    const adapter = await adapterPromise;
    opened.push(adapter);
    const client = (adapter as unknown as { client?: { query(sql: string): Promise<unknown> } }).client;
    if (client) adapter.executeScript = async (script: string) => void (await client.query(script));
    return adapter;
  };
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: () => wrap(factory.connect()),
    connectToShadowDb: () => wrap(factory.connectToShadowDb()),
  };
}
