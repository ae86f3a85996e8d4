import { expect } from "vitest";
import type { ForecastRecord } from "@firebreak/domain";
import type { Client } from "../../../test/helpers.js";

/** Test support for the forecasts tests. */

export const FORECASTS = "/api/fleets/production/forecasts";

/** Posts a forecast and expects the 202 with its record. */
export async function startForecast(client: Client, payload: Record<string, unknown>): Promise<ForecastRecord> {
  const res = await client.inject({ method: "POST", url: FORECASTS, payload });
  expect(res.statusCode, res.body).toBe(202);
  return res.json<ForecastRecord>();
}

/** Reads the forecast every 50 ms until it is done or failed; returns every state it was seen in. */
export async function waitForForecast(
  client: Client,
  id: string,
  timeoutMs = 60_000,
): Promise<{ final: ForecastRecord; seen: ForecastRecord[] }> {
  const seen: ForecastRecord[] = [];
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await client.inject({ method: "GET", url: `${FORECASTS}/${id}` });
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json<ForecastRecord>();
    seen.push(r);
    if (r.status === "DONE" || r.status === "FAILED") return { final: r, seen };
    if (Date.now() > until) throw new Error(`forecast ${id} still ${r.status} (${r.runsDone}/${r.runsTotal})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
