import { describe, expect, it } from "vitest";
import { ForecastRunner, type ForecastJob } from "./forecasts.runner.js";

// The pool with a stand-in worker (forecasts.failing-worker.fixture.mjs) and jobs that record what
// the runner told them: whatever goes wrong, the job ends failed, never left running.
const workerEntry = new URL("./forecasts.failing-worker.fixture.mjs", import.meta.url).href;

function job(id: string, o: Partial<ForecastJob> = {}) {
  const seen: string[] = [];
  let settle!: (outcome: string) => void;
  const settled = new Promise<string>((resolve) => (settle = resolve));
  const j: ForecastJob = {
    id,
    claim: async () => true,
    load: async () => ({ runs: 1, variants: ["AS_DRAFTED"] }) as never,
    onProgress: (done, total) => void seen.push(`progress ${done}/${total}`),
    onDone: async () => {
      seen.push("done");
      settle("done");
    },
    onFailed: async (message) => {
      seen.push(`failed: ${message}`);
      settle(`failed: ${message}`);
    },
    onHeartbeat: async () => void seen.push("heartbeat"),
    ...o,
  };
  return { j, seen, settled };
}

describe("the forecast runner", () => {
  it("fails a job whose worker throws, or exits, and plays the next one on a fresh worker", async () => {
    const runner = new ForecastRunner({ concurrency: 1, workerEntry });
    try {
      const thrown = job("throw-1");
      const exited = job("exit-1");
      const fine = job("ok-1");
      for (const x of [thrown, exited, fine]) {
        runner.reserve();
        runner.submit(x.j);
      }
      expect(await thrown.settled).toBe("failed: The forecast worker failed: simulated crash");
      expect(await exited.settled).toMatch(/^failed: The forecast worker (stopped \(exit code 3\)|failed)/);
      expect(await fine.settled).toBe("done");
      expect(fine.seen).toEqual(["progress 1/1", "done"]);
    } finally {
      await runner.close();
    }
  });

  it("fails the job when loading or saving the result throws, and drops a job it can no longer claim", async () => {
    const runner = new ForecastRunner({ concurrency: 1, workerEntry });
    try {
      const badLoad = job("ok-load", {
        load: async () => {
          throw new Error("connection reset");
        },
      });
      const badSave = job("ok-save");
      badSave.j.onDone = async () => {
        throw new Error("the result is too large");
      };
      let loaded = false;
      const taken = job("ok-taken", {
        claim: async () => false,
        load: async () => {
          loaded = true;
          return { runs: 1 } as never;
        },
      });
      const after = job("ok-after");
      for (const x of [badLoad, badSave, taken, after]) {
        runner.reserve();
        runner.submit(x.j);
      }
      expect(await badLoad.settled).toBe("failed: connection reset");
      expect(await badSave.settled).toBe(
        "failed: The forecast finished but its result could not be saved: the result is too large",
      );
      expect(await after.settled).toBe("done");
      expect(loaded).toBe(false);
      expect(taken.seen).toEqual([]);
    } finally {
      await runner.close();
    }
  });

  it("close() stops a computing job and the queued ones, failing each, and refuses new work", async () => {
    const runner = new ForecastRunner({ concurrency: 1, workerEntry, heartbeatMs: 20 });
    const computing = job("hang-1");
    const waiting = job("ok-waiting");
    for (const x of [computing, waiting]) {
      runner.reserve();
      runner.submit(x.j);
    }
    // Held jobs are marked alive while they wait or compute.
    await expect.poll(() => computing.seen.includes("heartbeat") && waiting.seen.includes("heartbeat")).toBe(true);
    expect(runner.heldIds().sort()).toEqual(["hang-1", "ok-waiting"]);
    await runner.close();
    const stopped = "failed: The server stopped before the forecast finished. Run it again.";
    expect(await computing.settled).toBe(stopped);
    expect(await waiting.settled).toBe(stopped);
    expect(() => runner.reserve()).toThrow(/server is stopping/);
  });

  it("with no slots holds every job in the queue", async () => {
    const runner = new ForecastRunner({ concurrency: 0, queueLimit: 1, workerEntry });
    const held = job("ok-held");
    runner.reserve();
    runner.submit(held.j);
    expect(runner.queuePosition("ok-held")).toBe(1);
    expect(() => runner.reserve()).toThrow(/Try again in about \d+ seconds/);
    await runner.close();
    expect(await held.settled).toMatch(/^failed: The server stopped/);
  });
});
