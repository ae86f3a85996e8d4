// Entry of a forecast worker thread. The API runs TypeScript through tsx, but a worker thread
// starts without the parent's loader (execArgv `--import tsx` does not reach a worker's own entry on
// Node 20), so this plain module registers tsx in the thread and then loads the TypeScript worker.
// Works the same under `npm start`, vitest and the e2e server.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.entry);
