import type { UpdateMonitor } from "@firebreak/domain";
import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { advertisement, FLEET } from "../../../test/fleet-fixtures";
import { apiError, mockApi, sessionFor } from "../../../test/mock-api";
import { caseDetail, uuid } from "../../../test/process-fixtures";
import { renderApp } from "../../../test/render-app";
import { monitorQueries } from "./monitoring.queries";

const MONITOR = `${FLEET}/updates/KB835732/monitor`;

const updateMonitor = (o: Partial<UpdateMonitor> = {}): UpdateMonitor => ({
  updateId: "KB835732",
  generatedAt: "2026-05-01T12:00:00.000Z",
  total: 100_000,
  applicable: 96_000,
  installed: 81_600,
  required: 12_000,
  failed: 1_900,
  installedPct: 85,
  byState: {
    NOT_APPLICABLE: 4_000,
    REQUIRED: 12_000,
    INSTALLED: 78_400,
    INSTALLED_PENDING_REBOOT: 3_200,
    FAILED: 1_900,
    ROLLED_BACK: 500,
  },
  bySite: [
    {
      siteCode: "CEN",
      total: 60_000,
      applicable: 58_000,
      installed: 52_200,
      required: 4_800,
      failed: 1_000,
      installedPct: 90,
    },
    {
      siteCode: "NYC",
      total: 40_000,
      applicable: 38_000,
      installed: 29_400,
      required: 7_200,
      failed: 900,
      installedPct: 77.37,
    },
  ],
  byLinkClass: [
    {
      connectionProfile: "LAN",
      total: 90_000,
      applicable: 86_000,
      installed: 76_000,
      required: 8_500,
      failed: 1_500,
      installedPct: 88.37,
    },
    {
      connectionProfile: "DIALUP",
      total: 10_000,
      applicable: 10_000,
      installed: 5_600,
      required: 3_500,
      failed: 400,
      installedPct: 56,
    },
  ],
  coverage: [
    { at: "2026-05-01T08:00:00.000Z", succeeded: 0, pct: 0 },
    { at: "2026-05-01T10:00:00.000Z", succeeded: 48_000, pct: 50 },
    { at: "2026-05-01T12:00:00.000Z", succeeded: 81_600, pct: 85 },
  ],
  coverageBucketMinutes: 120,
  ...o,
});

async function openUpdate(reply: Parameters<typeof mockApi>[0][string] = { body: updateMonitor() }) {
  const api = mockApi({
    "GET /api/auth/session": { body: sessionFor("OBSERVER") },
    [`GET ${MONITOR}`]: reply,
  });
  const app = renderApp("/deployments/updates/KB835732");
  await screen.findByRole("heading", { level: 1, name: "Update compliance: KB835732" });
  return { api, ...app };
}

const headline = () => screen.getByRole("region", { name: "Headline figures" });

describe("Update compliance monitor", () => {
  it("shows the big numbers, the curve, the breakdowns and the compliance states in words", async () => {
    const { api, user } = await openUpdate();
    expect(within(headline()).getByText("96,000")).toBeInTheDocument();
    expect(within(headline()).getByText("81,600")).toBeInTheDocument();
    expect(within(headline()).getByText("incl. 3,200 pending reboot")).toBeInTheDocument();
    expect(within(headline()).getByText("85.0 %")).toBeInTheDocument();
    expect(within(headline()).getByText("1,900")).toBeInTheDocument();
    expect(within(headline()).getByText("12,000")).toBeInTheDocument();

    expect(
      screen.getByText(/Installed rose from 0\.0 % at .* to 85\.0 % at .*, in 120-minute steps\./),
    ).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Show the curve as a table" }));
    expect(
      within(screen.getByRole("table", { name: "Coverage over time" }))
        .getAllByRole("row")
        .at(-1),
    ).toHaveTextContent(/81,600\s*85\.0 %/);

    expect(within(screen.getByRole("region", { name: "By site" })).getByRole("row", { name: /NYC/ })).toHaveTextContent(
      "77.4 %",
    );
    expect(
      within(screen.getByRole("region", { name: "By link class" })).getByRole("row", { name: /Dial-up/ }),
    ).toHaveTextContent("56.0 %");
    const states = screen.getByRole("region", { name: "By compliance state" });
    expect(within(states).getByRole("row", { name: /Installed, pending reboot/ })).toHaveTextContent("3,200");
    expect(within(states).getByRole("row", { name: /Not applicable/ })).toHaveTextContent("4,000");
    expect(within(states).getByRole("row", { name: /Rolled back/ })).toHaveTextContent("500");
    expect(within(states).queryByText("Unknown")).not.toBeInTheDocument();
    expect(api.unmatched).toEqual([]);
  });

  it("says the data has not arrived yet when the API answers 404", async () => {
    const { api } = await openUpdate(
      apiError(404, "NOT_FOUND", "No compliance data and no package for update KB835732."),
    );
    expect(
      screen.getByText(/No compliance data for KB835732 yet: it arrives from the forwarders' compliance batches\./),
    ).toBeInTheDocument();
    expect(screen.queryByRole("region", { name: "Headline figures" })).not.toBeInTheDocument();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(api.unmatched).toEqual([]);
  });

  it("treats an update with a package but no compliance row yet as empty too", async () => {
    await openUpdate({
      body: updateMonitor({
        total: 0,
        applicable: 0,
        installed: 0,
        required: 0,
        failed: 0,
        installedPct: 0,
        byState: {},
        bySite: [],
        byLinkClass: [],
        coverage: [],
        coverageBucketMinutes: null,
      }),
    });
    expect(screen.getByText(/No compliance data for KB835732 yet/)).toBeInTheDocument();
  });

  it("refreshes every 15 s and when the window regains focus (updates have no stream)", () => {
    const options = monitorQueries.update("KB835732");
    expect(options.refetchInterval).toBe(15_000);
    expect(options.refetchOnWindowFocus).toBe(true);
  });

  it("is linked from the deployments screen, one link per update", async () => {
    const api = mockApi({
      "GET /api/auth/session": { body: sessionFor("OBSERVER") },
      [`GET ${FLEET}/advertisements`]: { body: { items: [advertisement()] } },
      [`GET ${FLEET}/compliance`]: {
        body: {
          items: [
            { updateId: "KB835732", total: 100_000, byState: { INSTALLED: 81_600 }, installedPct: 85 },
            { updateId: "KB828741", total: 2_000, byState: { INSTALLED: 1_990 }, installedPct: 99.5 },
          ],
        },
      },
      [`GET ${MONITOR}`]: { body: updateMonitor() },
    });
    const { user } = renderApp("/deployments");
    const byUpdate = await screen.findByRole("region", { name: "By update" });
    const link = await within(byUpdate).findByRole("link", { name: "Compliance of KB835732" });
    expect(link).toHaveAttribute("href", "/deployments/updates/KB835732");
    expect(within(byUpdate).getByRole("row", { name: /KB835732/ })).toHaveTextContent(/100,000\s*85\.0 %/);
    expect(within(byUpdate).getByRole("link", { name: "Compliance of KB828741" })).toBeInTheDocument();
    await user.click(link);
    expect(await screen.findByRole("heading", { level: 1, name: "Update compliance: KB835732" })).toBeInTheDocument();
    expect(api.unmatched).toEqual([]);
  });

  it("is linked from the case page by the update's KB number", async () => {
    mockApi({
      "GET /api/auth/session": { body: sessionFor("ERT_LEAD") },
      [`GET /api/cases/${uuid(10)}`]: { body: caseDetail() },
    });
    renderApp(`/triage/cases/${uuid(10)}`);
    expect(await screen.findByRole("link", { name: "Compliance of KB835732" })).toHaveAttribute(
      "href",
      "/deployments/updates/KB835732",
    );
  });
});
