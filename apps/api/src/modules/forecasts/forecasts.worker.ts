import { parentPort } from "node:worker_threads";
import { ForecastInputError, forecastAdvertisement, type ForecastInput } from "@firebreak/simulator";

/**
 * A forecast worker thread: takes one job at a time from the pool (forecasts.runner.ts), plays
 * `forecastAdvertisement` synchronously — here, off the API's event loop — and posts progress
 * after every run, then the result or the failure.
 */

export type WorkerRequest = { jobId: string; input: Omit<ForecastInput, "onProgress"> };
export type WorkerReply =
  | { type: "progress"; jobId: string; runsDone: number; runsTotal: number }
  | { type: "done"; jobId: string; result: unknown }
  | { type: "failed"; jobId: string; message: string; inputError: boolean };

const port = parentPort;
if (!port) throw new Error("forecasts.worker.ts runs in a worker thread");

port.on("message", ({ jobId, input }: WorkerRequest) => {
  const reply = (m: WorkerReply) => port.postMessage(m);
  try {
    const result = forecastAdvertisement({
      ...input,
      onProgress: (p) => reply({ type: "progress", jobId, ...p }),
    });
    reply({ type: "done", jobId, result });
  } catch (err) {
    reply({
      type: "failed",
      jobId,
      message: err instanceof Error ? err.message : String(err),
      inputError: err instanceof ForecastInputError,
    });
  }
});
port.postMessage({ type: "ready" });
