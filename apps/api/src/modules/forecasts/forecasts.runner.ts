import { randomUUID } from "node:crypto";
import { Worker } from "node:worker_threads";
import { AppError } from "@firebreak/domain";
import type { ForecastInput } from "@firebreak/simulator";
import type { WorkerReply } from "./forecasts.worker.js";

/**
 * The forecast pool: at most `concurrency` forecasts compute at once, each in a worker thread of
 * its own (the engine is synchronous; on the event loop it would stall every other request for
 * seconds). Further forecasts wait in a bounded queue; beyond it the API answers 429 with
 * Retry-After. Workers stay alive between jobs (starting one costs about a second: tsx compiles
 * the simulator) and are unreferenced while idle, so they never keep the process up.
 *
 * A job's input is loaded from the database only when a slot is free, so a queued forecast plays
 * the fleet as it is when it starts, and the fleet of a waiting forecast is not held in memory.
 */

export interface ForecastJob {
  id: string;
  /** Marks the row RUNNING for this runner; false when it is no longer queued here (the job is dropped). */
  claim(): Promise<boolean>;
  load(): Promise<Omit<ForecastInput, "onProgress">>;
  onProgress(runsDone: number, runsTotal: number): void;
  onDone(result: unknown, runsTotal: number): Promise<void>;
  onFailed(message: string, inputError: boolean): Promise<void>;
  /** The runner still holds the job (queued or computing): called every `heartbeatMs`. */
  onHeartbeat(): Promise<void>;
}

export interface ForecastRunnerOptions {
  /** Forecasts computing at once. Default 2 (the machines this runs on have two cores); 0 holds every job (tests). */
  concurrency?: number;
  /** Forecasts waiting for a slot; one more is refused with 429. Default 8. */
  queueLimit?: number;
  /** A forecast still computing after this long is stopped and fails. Default 10 minutes. */
  jobTimeoutMs?: number;
  /** How often the rows of held jobs are marked alive. Default 30 s (a row is stale after 2 minutes without). */
  heartbeatMs?: number;
  /** The worker module (tests swap in a worker that fails). */
  workerEntry?: string;
}

const WORKER_BOOT = new URL("./forecast-worker.mjs", import.meta.url);
const WORKER_ENTRY = new URL("./forecasts.worker.ts", import.meta.url).href;
const STOPPED = "The server stopped before the forecast finished. Run it again.";
/** A forecast of the demo fleet takes a few seconds: the hint a refused client waits for. */
const SECONDS_PER_FORECAST = 10;

interface Slot {
  worker: Worker;
  alive: boolean;
}

export class ForecastRunner {
  private readonly concurrency: number;
  private readonly queueLimit: number;
  private readonly jobTimeoutMs: number;
  private readonly workerEntry: string;
  private readonly heartbeatTimer: NodeJS.Timeout;
  /** Written on the rows this runner plays: a row owned by no live runner goes stale. */
  readonly ownerId = randomUUID();
  private readonly queue: ForecastJob[] = [];
  private readonly active = new Map<string, { job: ForecastJob; slot: Slot | null }>();
  private readonly idle: Slot[] = [];
  private reserved = 0;
  private closed = false;
  private readonly settled = new Set<Promise<void>>();

  constructor(opts: ForecastRunnerOptions = {}) {
    this.concurrency = Math.max(0, opts.concurrency ?? 2);
    this.queueLimit = Math.max(0, opts.queueLimit ?? 8);
    this.jobTimeoutMs = opts.jobTimeoutMs ?? 600_000;
    this.workerEntry = opts.workerEntry ?? WORKER_ENTRY;
    this.heartbeatTimer = setInterval(() => this.beat(), opts.heartbeatMs ?? 30_000);
    this.heartbeatTimer.unref();
  }

  /** The ids this runner holds, queued or computing. */
  heldIds(): string[] {
    return [...this.active.keys(), ...this.queue.map((j) => j.id)];
  }

  private beat(): void {
    for (const job of [...this.active.values()].map((a) => a.job).concat(this.queue))
      void job.onHeartbeat().catch(() => undefined);
  }

  /** Whether this instance is computing or holding the forecast (rows of other instances are not). */
  has(id: string): boolean {
    return this.active.has(id) || this.queue.some((j) => j.id === id);
  }

  /** 1-based place in the queue, 0 while computing, null when unknown here. */
  queuePosition(id: string): number | null {
    if (this.active.has(id)) return 0;
    const i = this.queue.findIndex((j) => j.id === id);
    return i < 0 ? null : i + 1;
  }

  /**
   * Holds a place for a forecast about to be created; throws 429 when every slot and the queue are
   * taken. Call `submit` with the job (or `release`) once the row is written.
   */
  reserve(): void {
    if (this.closed) throw new AppError("UNAVAILABLE", "The server is stopping; run the forecast again in a moment.");
    const held = this.active.size + this.queue.length + this.reserved;
    if (held >= this.concurrency + this.queueLimit) {
      const retryAfter = Math.max(
        5,
        Math.ceil(((held - this.concurrency + 1) / Math.max(1, this.concurrency)) * SECONDS_PER_FORECAST),
      );
      throw new AppError(
        "RATE_LIMITED",
        `${this.active.size} forecasts are running and ${held - this.active.size} are waiting, the most this server takes. Try again in about ${retryAfter} seconds.`,
        { headers: { "retry-after": String(retryAfter) } },
      );
    }
    this.reserved++;
  }

  release(): void {
    this.reserved = Math.max(0, this.reserved - 1);
  }

  submit(job: ForecastJob): void {
    this.release();
    this.queue.push(job);
    this.pump();
  }

  /** Stops taking work, stops the workers and fails what was running or waiting (the rows say so). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeatTimer);
    const waiting = this.queue.splice(0);
    const stopped = [...this.active.values()];
    for (const s of [...this.idle.splice(0), ...stopped.map((a) => a.slot).filter((s): s is Slot => s !== null)]) {
      s.alive = false;
      await s.worker.terminate();
    }
    await Promise.allSettled([
      ...waiting.map((j) => j.onFailed(STOPPED, false)),
      ...stopped.map((a) => a.job.onFailed(STOPPED, false)),
      ...this.settled,
    ]);
  }

  private pump(): void {
    while (!this.closed && this.active.size < this.concurrency && this.queue.length > 0) {
      const job = this.queue.shift() as ForecastJob;
      this.active.set(job.id, { job, slot: null });
      const done = this.runSafely(job).finally(() => {
        this.active.delete(job.id);
        this.settled.delete(done);
        this.pump();
      });
      this.settled.add(done);
    }
  }

  private acquire(): Slot {
    const slot = this.idle.pop();
    if (slot) {
      slot.worker.ref();
      return slot;
    }
    const worker = new Worker(WORKER_BOOT, { workerData: { entry: this.workerEntry } });
    const fresh: Slot = { worker, alive: true };
    worker.on("exit", () => {
      fresh.alive = false;
      const i = this.idle.indexOf(fresh);
      if (i >= 0) this.idle.splice(i, 1);
    });
    // An idle worker's crash is noticed by the next job; a busy one's by its job (below).
    worker.on("error", () => undefined);
    return fresh;
  }

  /**
   * Plays a job and settles its row whatever happens: anything that throws (the database, the
   * worker, the result's write) fails the forecast, so a row never stays RUNNING with nobody on it.
   */
  private async runSafely(job: ForecastJob): Promise<void> {
    try {
      await this.run(job);
    } catch (err) {
      if (this.closed) return; // close() fails it
      const message = err instanceof Error ? err.message : String(err);
      await job.onFailed(message, err instanceof AppError).catch(() => undefined);
    }
  }

  private async run(job: ForecastJob): Promise<void> {
    if (!(await job.claim())) return;
    if (this.closed) return;
    const input = await job.load();
    if (this.closed) return;
    const runsPlanned = (input.runs ?? 40) * (input.variants?.length ?? 4);
    const slot = this.acquire();
    const entry = this.active.get(job.id);
    if (entry) entry.slot = slot;

    const outcome = await new Promise<
      { kind: "done"; result: unknown; runsTotal: number } | { kind: "failed"; message: string; inputError: boolean }
    >((resolve) => {
      let runsTotal = runsPlanned;
      const timer = setTimeout(() => {
        slot.alive = false;
        void slot.worker.terminate();
        finish({
          kind: "failed",
          message: `The forecast took longer than ${Math.round(this.jobTimeoutMs / 60_000)} minutes and was stopped. Use fewer runs or variants.`,
          inputError: false,
        });
      }, this.jobTimeoutMs);
      const onMessage = (m: WorkerReply | { type: "ready" }) => {
        if (m.type === "ready" || m.jobId !== job.id) return;
        if (m.type === "progress") {
          runsTotal = m.runsTotal;
          job.onProgress(m.runsDone, m.runsTotal);
        } else if (m.type === "done") finish({ kind: "done", result: m.result, runsTotal });
        else finish({ kind: "failed", message: m.message, inputError: m.inputError });
      };
      const onError = (err: Error) => {
        slot.alive = false;
        finish({ kind: "failed", message: `The forecast worker failed: ${err.message}`, inputError: false });
      };
      const onExit = (code: number) => {
        slot.alive = false;
        finish({ kind: "failed", message: `The forecast worker stopped (exit code ${code}).`, inputError: false });
      };
      const finish = (o: Parameters<typeof resolve>[0]) => {
        clearTimeout(timer);
        slot.worker.off("message", onMessage);
        slot.worker.off("error", onError);
        slot.worker.off("exit", onExit);
        resolve(o);
      };
      slot.worker.on("message", onMessage);
      slot.worker.on("error", onError);
      slot.worker.on("exit", onExit);
      try {
        slot.worker.postMessage({ jobId: job.id, input });
      } catch (err) {
        finish({ kind: "failed", message: err instanceof Error ? err.message : String(err), inputError: false });
      }
    });

    if (slot.alive && !this.closed) {
      slot.worker.unref();
      this.idle.push(slot);
    }
    if (this.closed) return;
    if (outcome.kind === "failed") return job.onFailed(outcome.message, outcome.inputError);
    try {
      await job.onDone(outcome.result, outcome.runsTotal);
    } catch (err) {
      // The result could not be written (too large, the database went away): the row says so.
      await job.onFailed(
        `The forecast finished but its result could not be saved: ${err instanceof Error ? err.message : String(err)}`,
        false,
      );
    }
  }
}
