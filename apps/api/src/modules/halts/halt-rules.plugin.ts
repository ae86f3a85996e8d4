import fp from "fastify-plugin";
import type { FastifyInstance } from "fastify";
import { haltRuleRunner } from "./halt-rules.runner.js";

export interface HaltRulesOptions {
  /** Sweep every armed rule this often (seconds); null or 0: no sweep (the default in tests). */
  sweepSeconds?: number | null;
  /** At most one status-triggered evaluation per rule per this many seconds (default 0: every batch). */
  minIntervalSeconds?: number;
}

/**
 * Automatic halt rules in this API process (decision 008): the runner logs to the app's logger,
 * throttles status-triggered evaluations, and sweeps every armed rule on a timer that starts when
 * the app is ready and stops when it closes (after the evaluations under way have finished).
 */
export const haltRulesPlugin = fp(
  async (app: FastifyInstance, opts: HaltRulesOptions) => {
    const runner = haltRuleRunner(app.prisma);
    runner.log = app.log;
    runner.minIntervalMs = Math.max(0, opts.minIntervalSeconds ?? 0) * 1000;
    app.addHook("onReady", async () => {
      if (opts.sweepSeconds) runner.start(opts.sweepSeconds * 1000);
    });
    app.addHook("onClose", async () => {
      runner.stop();
      await runner.settled();
    });
  },
  { name: "halt-rules", dependencies: ["db"] },
);
