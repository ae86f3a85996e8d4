import fp from "fastify-plugin";
import type { FastifyInstance } from "fastify";
import type { Database, PrismaClient } from "@firebreak/db";
import { TableStats } from "../lib/table-stats.js";

declare module "fastify" {
  interface FastifyInstance {
    /** The one Prisma client; only repositories call it. */
    prisma: PrismaClient;
    database: Database;
    tableStats: TableStats;
  }
}

/** Decorates the app with the database opened by the caller (server.ts or the test harness). */
export const dbPlugin = fp(
  async (app: FastifyInstance, opts: { database: Database; closeOnShutdown: boolean }) => {
    app.decorate("database", opts.database);
    app.decorate("prisma", opts.database.prisma);
    const stats = new TableStats(opts.database.prisma, app.log);
    app.decorate("tableStats", stats);
    app.addHook("onClose", async () => stats.close());
    if (opts.closeOnShutdown) {
      app.addHook("onClose", async () => {
        await opts.database.close();
      });
    }
  },
  { name: "db" },
);

export type Db = PrismaClient;
/** A client or an interactive-transaction client: repositories accept either. */
export type DbClient = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;
