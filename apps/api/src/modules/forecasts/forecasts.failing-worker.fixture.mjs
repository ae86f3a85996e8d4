// A forecast worker for the runner's tests (forecasts.runner.test.ts): the job id says how it fails.
// "throw": an uncaught exception in the thread; "exit": the thread exits; "hang": never answers;
// anything else: a result that the test's onDone may refuse to save.
import { parentPort } from "node:worker_threads";

parentPort.on("message", ({ jobId }) => {
  if (jobId.startsWith("throw")) throw new Error("simulated crash");
  if (jobId.startsWith("exit")) process.exit(3);
  if (jobId.startsWith("hang")) return;
  parentPort.postMessage({ type: "progress", jobId, runsDone: 1, runsTotal: 1 });
  parentPort.postMessage({ type: "done", jobId, result: { ok: true } });
});
parentPort.postMessage({ type: "ready" });
