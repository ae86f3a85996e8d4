import type { FastifyBaseLogger } from "fastify";
import type { HaltFiring } from "@firebreak/domain";
import type { Db } from "../../plugins/db.js";
import { evaluateAndRecord } from "./halts.service.js";
import { haltsRepository as repo, type HaltRuleRow } from "./halts.repository.js";

/**
 * When automatic halt rules are evaluated (decision 008), one runner per database client:
 *
 * - after a status batch is stored or replayed, in the background (the forwarder's acknowledgement
 *   never waits for it), only for the advertisements whose part of the batch holds program results
 *   (10006–10009), and at most once per rule per `minIntervalMs` (the database keeps the time, so
 *   the throttle holds across API instances);
 * - right after a rule is created, replaced or re-armed;
 * - by a periodic sweep of every armed rule (`start`), which catches the batch a throttle skipped,
 *   an evaluation that failed or was lost with its process, and a rule set while failures already
 *   exceeded it.
 *
 * Firing stays once-only whatever runs at the same time: `fireIfArmed` is a conditional update.
 */
export class HaltRuleRunner {
  /** Where background errors go (the app's logger, set by the halt-rules plugin). */
  log: FastifyBaseLogger | null = null;
  /** At most one status-triggered evaluation per rule per this many ms (0: every batch). */
  minIntervalMs = 0;
  private readonly running = new Set<Promise<unknown>>();
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<unknown> | null = null;

  constructor(private readonly db: Db) {}

  /**
   * After a status batch (stored or replayed): evaluates, in the background, the armed rules of
   * these advertisements. Never throws; `settled()` waits for it.
   */
  afterStatus(fleetId: string, advertisementIds: readonly string[], requestId: string): void {
    if (advertisementIds.length === 0) return;
    void this.track(this.evaluate(fleetId, advertisementIds, requestId, { throttle: true }));
  }

  /** Evaluates the armed rules of these advertisements now; the firings it made. Never throws. */
  async evaluate(
    fleetId: string,
    advertisementIds: readonly string[],
    requestId: string,
    opts: { throttle: boolean; log?: FastifyBaseLogger | undefined },
  ): Promise<HaltFiring[]> {
    const log = opts.log ?? this.log;
    let rules: HaltRuleRow[];
    try {
      rules = await repo.armedRules(this.db, fleetId, advertisementIds);
    } catch (err) {
      log?.warn({ err }, "halt rules could not be read after a status batch; the sweep evaluates them again");
      return [];
    }
    const now = Date.now();
    const due = opts.throttle
      ? rules.filter((r) => !r.lastEvaluatedAt || now - r.lastEvaluatedAt.getTime() >= this.minIntervalMs)
      : rules;
    return this.evaluateRows(due, requestId, log);
  }

  /** Every armed rule of every fleet, whatever the throttle says. Never throws. */
  async sweep(requestId = "halt-rule-sweep"): Promise<HaltFiring[]> {
    let rules: HaltRuleRow[];
    try {
      rules = await repo.allArmedRules(this.db);
    } catch (err) {
      this.log?.warn({ err }, "the halt rule sweep could not read the armed rules; it tries again at the next one");
      return [];
    }
    return this.evaluateRows(rules, requestId, this.log);
  }

  private async evaluateRows(rows: readonly HaltRuleRow[], requestId: string, log: FastifyBaseLogger | null) {
    const fired: HaltFiring[] = [];
    for (const row of rows) {
      const firing = await evaluateAndRecord(this.db, row, requestId, log);
      if (firing) fired.push(firing);
    }
    return fired;
  }

  /** Sweeps every `intervalMs` (unref'd: it never keeps the process alive) until `stop`. */
  start(intervalMs: number): void {
    this.stop();
    this.timer = setInterval(() => {
      if (this.sweeping) return;
      this.sweeping = this.track(this.sweep()).finally(() => (this.sweeping = null));
    }, intervalMs);
    this.timer.unref();
  }

  /** Whether the periodic sweep is scheduled. */
  get sweepScheduled(): boolean {
    return this.timer !== null;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Resolves when no evaluation started so far is still running (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.running.add(p);
    void p.finally(() => this.running.delete(p)).catch(() => undefined);
    return p;
  }
}

const runners = new WeakMap<object, HaltRuleRunner>();

/** The runner of a database client (one per app, and per test database). */
export function haltRuleRunner(db: Db): HaltRuleRunner {
  let runner = runners.get(db);
  if (!runner) {
    runner = new HaltRuleRunner(db);
    runners.set(db, runner);
  }
  return runner;
}
