import type { FastifyBaseLogger } from "fastify";
import type { DbClient } from "../plugins/db.js";

/**
 * Keeps planner statistics fresh after bulk writes. PGlite has no autovacuum, and without
 * statistics PostgreSQL plans the 100k-row roll-up joins as nested loops that run for minutes
 * (measured). After enough rows change in a table, ANALYZE runs on it — outside any request's
 * transaction, debounced, one table at a time.
 */
export class TableStats {
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: DbClient,
    private readonly log: FastifyBaseLogger,
    private readonly threshold = 2_000,
    private readonly debounceMs = 200,
  ) {}

  noteWrites(
    table:
      | "computers"
      | "collection_members"
      | "client_advert_status"
      | "update_compliance"
      | "status_messages"
      | "package_distributions",
    rows: number,
  ): void {
    if (rows <= 0) return;
    const total = (this.pending.get(table) ?? 0) + rows;
    this.pending.set(table, total);
    if (total >= this.threshold && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.running = this.running.then(() => this.flush());
      }, this.debounceMs);
      this.timer.unref();
    }
  }

  /** Analyzes every table with pending writes now (tests and benchmarks call this). */
  async flush(): Promise<void> {
    const tables = [...this.pending.entries()].filter(([, n]) => n > 0).map(([t]) => t);
    this.pending.clear();
    for (const table of tables) {
      try {
        await this.db.$executeRawUnsafe(`ANALYZE ${table}`);
      } catch (err) {
        this.log.warn({ err, table }, "ANALYZE failed");
      }
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
