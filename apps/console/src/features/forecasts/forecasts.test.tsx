import {
  AdvertFlags,
  FORECAST_VARIANTS,
  ProgramFlags,
  type ApplyForecastPreview,
  type ApplyForecastResult,
  type ForecastRecord,
  type ForecastVariant,
  type ForecastVariantResult,
} from "@firebreak/domain";
import { screen, waitFor, within } from "@testing-library/react";
import { beforeAll, describe, expect, it } from "vitest";
import { advertisement, FLEET } from "../../../test/fleet-fixtures";
import { mockApi, sessionFor } from "../../../test/mock-api";
import { uuid } from "../../../test/process-fixtures";
import { renderApp } from "../../../test/render-app";
import { bodyFromForm, formFromAdvertisement, toLocalInput } from "./forecast-view";

const START = "2026-05-01T19:00:00.000Z";
const FORECAST_ID = uuid(900);
const FORECASTS = `${FLEET}/forecasts`;
const at = (h: number) => new Date(Date.parse(START) + h * 3_600_000).toISOString();
const IMMEDIATE = AdvertFlags.fromNames(["IMMEDIATE"]);
/** The screens are lazy routes: on a loaded machine the first render can take longer than findBy's 1 s. */
const SLOW = { timeout: 10_000 };

// Load the lazy route modules once up front, so no test pays for the import inside its findBy.
beforeAll(async () => {
  await Promise.all([import("../../routes/forecast"), import("../../routes/case")]);
}, 60_000);

const draft = {
  package: {
    packageId: "CEN0001A",
    name: "MS04-011 emergency",
    sourceVersion: 1,
    sizeKB: 5120,
    sendingPriority: "HIGH" as const,
    preferredSender: "NO_PREFERENCE" as const,
    ignoreAddressSchedule: false,
    kind: "DEPLOY" as const,
    updateIds: ["KB835732"],
  },
  program: {
    packageId: "CEN0001A",
    programName: "Install",
    commandLine: "WindowsXP-KB835732-x86-ENU.exe /quiet /norestart",
    programFlags: ProgramFlags.fromNames(["UNATTENDED", "ADMINRIGHTS"]),
    maxRunMinutes: 60,
    kind: "INSTALL" as const,
    checksUpdatePresent: false,
  },
  advertisement: {
    advertisementId: "CEN20001",
    advertisementName: "MS04-011 emergency",
    packageId: "CEN0001A",
    programName: "Install",
    collectionId: "CEN00010",
    includeSubCollection: true,
    presentTime: START,
    expirationTime: null,
    assignedSchedule: [{ startTime: START }],
    assignedScheduleEnabled: true,
    advertFlags: IMMEDIATE,
    remoteClientFlags: 0x30,
    priority: 2 as const,
  },
  distribution: { startTime: START },
};

const hours = (p10: number | null, p50: number | null, p90: number | null) => ({ p10, p50, p90 });

/** A variant that reaches 95 % after `t95` hours (median), with 80 % / 20 % of the runs meeting the target. */
function variantResult(variant: ForecastVariant, t95: number | null, o: Partial<ForecastVariantResult> = {}) {
  const met = t95 !== null && t95 <= 24;
  const deadline = (h: number) => ({
    hours: h,
    at: at(h),
    withinHorizon: true,
    compliancePct: { p10: met ? 94 : 80, p50: met ? 96 : 85, p90: met ? 97 : 88 },
    likelihood: met ? 0.8 : 0.2,
    met,
  });
  return {
    variant,
    sameAs: null,
    changes: {
      summary: variant === "AS_DRAFTED" ? [] : [`${variant} changes something.`],
      advertFlags: variant === "SLOW_LINK_CLEARED" ? AdvertFlags.with(IMMEDIATE, "ONSLOWNET", true) : IMMEDIATE,
      openedAddressIds: [],
      courierSiteCodes: [],
    },
    band: [0, 12, 24, 48].map((h) => ({ hours: h, at: at(h), p10: h, p50: h * 1.5, p90: Math.min(100, h * 2) })),
    final: { p10: 90, p50: 96, p90: 97 },
    timeTo: {
      pct50: hours(2, 3, 4),
      pct90: hours(10, 12, 14),
      pct95: t95 === null ? hours(null, null, null) : hours(t95 - 4, t95, t95 + 2),
      pct100: hours(null, null, null),
    },
    target: deadline(24),
    max: deadline(48),
    misses: {
      deadline: "TARGET" as const,
      deadlineHours: 24,
      expectedMissed: met ? 0 : 2.5,
      byReason: met ? {} : { NOT_FORCED_ON_SLOW_LINK: 2.5 },
      computers: {
        total: met ? 0 : 1,
        items: met
          ? []
          : [
              {
                resourceId: 1003,
                name: "BRN-LT001",
                siteCode: "BRN",
                connectionProfile: "DIALUP" as const,
                reason: "NOT_FORCED_ON_SLOW_LINK" as const,
                missedRuns: 40,
                runs: 40,
              },
            ],
        truncated: false,
      },
      sites: {
        total: met ? 0 : 1,
        items: met
          ? []
          : [
              {
                siteCode: "BRN",
                targets: 10,
                expectedMissed: 2.5,
                missPct: 25,
                reason: "NOT_FORCED_ON_SLOW_LINK" as const,
                byReason: { NOT_FORCED_ON_SLOW_LINK: 2.5 },
              },
            ],
        truncated: false,
      },
    },
    ...o,
  };
}

const forecastRecord = (o: Partial<ForecastRecord> = {}): ForecastRecord => ({
  id: FORECAST_ID,
  version: 1,
  caseId: null,
  advertisementId: "CEN20001",
  status: "DONE",
  runsDone: 160,
  runsTotal: 160,
  priority: "EMERGENCY",
  error: null,
  createdBy: null,
  createdAt: START,
  finishedAt: at(0.01),
  applied: null,
  request: {
    draft,
    priority: "EMERGENCY",
    runs: 40,
    variants: [...FORECAST_VARIANTS],
    seed: 1,
    goalPct: 95,
    courierThresholdKbps: 64,
    programSuccessPct: 99,
    listLimit: 100,
  },
  source: { advertisementId: "CEN20001", advertisementVersion: 7, packageId: "CEN0001A" },
  result: {
    startTime: START,
    horizonHours: 48,
    bucketMinutes: 15,
    priority: "EMERGENCY",
    goalPct: 95,
    runs: 40,
    seed: 1,
    sampling: {
      targets: 40,
      computersPerRun: 40,
      sampled: false,
      note: "Each run simulates all 40 targeted computers.",
    },
    variants: [
      variantResult("AS_DRAFTED", 30),
      variantResult("SLOW_LINK_CLEARED", 20),
      variantResult("SENDERS_UNRESTRICTED", 30),
      variantResult("COURIER_FOR_THIN_LINKS", null),
    ],
  },
  ...o,
});

const preview = (o: Partial<ApplyForecastPreview> = {}): ApplyForecastPreview => ({
  variant: "SLOW_LINK_CLEARED",
  advertisementId: "CEN20001",
  advertisementVersion: 7,
  forecastAdvertisementVersion: 7,
  changedSinceForecast: false,
  changes: [
    {
      entity: "ADVERTISEMENT",
      id: "CEN20001",
      summary:
        "Advertisement CEN20001: “Assignments are not mandatory over slow links” cleared (ONSLOWNET set): slow-link clients are forced too.",
    },
  ],
  tasks: [],
  notApplied: [],
  nothingLeft: false,
  message: "1 change and 0 out-of-band tasks.",
  ...o,
});

const mandatoryAd = advertisement({
  assignedSchedule: [{ startTime: START }],
  assignedScheduleEnabled: true,
  advertFlags: IMMEDIATE,
  mandatory: true,
});

async function openForecast(role: "ERT_LEAD" | "ERT_MEMBER", record: ForecastRecord = forecastRecord()) {
  const api = mockApi({
    "GET /api/auth/session": { body: sessionFor(role) },
    [`GET ${FLEET}/advertisements/CEN20001`]: { body: mandatoryAd },
    [`GET ${FORECASTS}/${FORECAST_ID}`]: { body: record },
  });
  const app = renderApp(`/deployments/CEN20001/forecast?forecast=${FORECAST_ID}`);
  await screen.findByRole("heading", { name: "Forecast: MS04-011 emergency", level: 1 }, SLOW);
  return { api, ...app };
}

describe("Forecast → variants compared", () => {
  it("shows each variant's times to 50 / 90 / 95 %, the deadlines in words, the best one, and Apply for the ERT lead", async () => {
    await openForecast("ERT_LEAD");
    const table = await screen.findByRole("table", { name: "Variants compared" }, SLOW);
    const drafted = within(table).getByRole("row", { name: "As drafted" });
    const cells = within(drafted).getAllByRole("cell");
    expect(cells.slice(0, 3).map((c) => c.textContent)).toEqual(["3 h2 h – 4 h", "12 h10 h – 14 h", "30 h26 h – 32 h"]);
    expect(within(drafted).getAllByText("Not met")).toHaveLength(2);
    expect(within(drafted).getAllByText(/20 % of runs reach 95 %/)).toHaveLength(2);
    const cleared = within(table).getByRole("row", { name: "Slow-link box cleared" });
    expect(within(cleared).getByText("Best")).toBeInTheDocument();
    expect(within(cleared).getAllByText("Met")).toHaveLength(2);
    expect(within(cleared).getAllByRole("cell")[2]).toHaveTextContent("20 h16 h – 22 h");
    const courier = within(table).getByRole("row", { name: "Courier for thin links" });
    expect(within(courier).getByText("not reached")).toBeInTheDocument();
    expect(within(table).getAllByRole("button", { name: /^Apply “.*”…$/ })).toHaveLength(4);
    // The ceiling of the curves is stated.
    expect(screen.getByText(/assumes 99 % of program runs succeed and models no reruns/)).toBeInTheDocument();
    // Who misses, and why.
    const misses = screen.getByRole("region", { name: "Who misses the deadline, and why" });
    expect(within(misses).getByRole("cell", { name: "BRN-LT001" })).toBeInTheDocument();
    expect(within(misses).getAllByText("Not forced over a slow link").length).toBeGreaterThan(0);
  });

  it("offers no Apply to an ERT member and says who may", async () => {
    await openForecast("ERT_MEMBER");
    const table = await screen.findByRole("table", { name: "Variants compared" }, SLOW);
    expect(within(table).queryByRole("button", { name: /^Apply/ })).toBeNull();
    expect(
      screen.getByText(
        "Applying a variant needs the ERT lead or SMS administrator role; your role is ERT member / patch team.",
      ),
    ).toBeInTheDocument();
  });

  it("shows the progress of a forecast under way", async () => {
    await openForecast(
      "ERT_MEMBER",
      forecastRecord({ status: "RUNNING", runsDone: 40, result: null, finishedAt: null }),
    );
    const bar = await screen.findByRole("progressbar", { name: "Forecast progress" }, SLOW);
    expect(bar).toHaveAttribute("aria-valuetext", "40 of 160 runs simulated");
    expect(screen.getByText("Running: 40 of 160 runs")).toBeInTheDocument();
    expect(screen.queryByRole("table", { name: "Variants compared" })).toBeNull();
  });
});

describe("Forecast → Apply this variant…", () => {
  it("lists exactly what changes, then applies with If-Match of the advertisement's version", async () => {
    const { api, user } = await openForecast("ERT_LEAD");
    api.set(`GET ${FORECASTS}/${FORECAST_ID}/apply-preview`, (call) => ({
      body: preview({ variant: call.search.get("variant") as ForecastVariant }),
    }));
    const result: ApplyForecastResult = {
      applied: true,
      message: "Applied “Slow-link box cleared”: 1 change, 0 out-of-band tasks created.",
      variant: "SLOW_LINK_CLEARED",
      changes: preview().changes,
      notApplied: [],
      tasksCreated: 0,
      advertisement: { ...mandatoryAd, version: 8, mandatoryOverSlowLinks: true },
    };
    api.set(`POST ${FORECASTS}/${FORECAST_ID}/apply`, { body: result });

    await user.click(await screen.findByRole("button", { name: "Apply “Slow-link box cleared”…" }, SLOW));
    const dialog = await screen.findByRole("dialog", { name: "Apply “Slow-link box cleared”" }, SLOW);
    expect(
      await within(dialog).findByText(
        "Advertisement CEN20001: “Assignments are not mandatory over slow links” cleared (ONSLOWNET set): slow-link clients are forced too.",
      ),
    ).toBeInTheDocument();
    expect(within(dialog).getByText("This change is made in one step, recorded in the audit log:")).toBeInTheDocument();
    expect(api.callsTo("GET", `${FORECASTS}/${FORECAST_ID}/apply-preview`)[0]!.search.get("variant")).toBe(
      "SLOW_LINK_CLEARED",
    );
    await user.click(within(dialog).getByRole("button", { name: "Apply “Slow-link box cleared”" }));
    await waitFor(() => expect(api.callsTo("POST", `${FORECASTS}/${FORECAST_ID}/apply`)).toHaveLength(1));
    const post = api.callsTo("POST", `${FORECASTS}/${FORECAST_ID}/apply`)[0]!;
    expect(post.headers.get("if-match")).toBe('W/"7"');
    expect(post.body).toEqual({ variant: "SLOW_LINK_CLEARED" });
    expect(await screen.findByText(result.message, undefined, SLOW)).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
  });

  it("will not apply when the advertisement changed after the forecast, and says so", async () => {
    const { api, user } = await openForecast("ERT_LEAD");
    api.set(`GET ${FORECASTS}/${FORECAST_ID}/apply-preview`, {
      body: preview({
        advertisementVersion: 9,
        changedSinceForecast: true,
        message:
          "Advertisement CEN20001 was changed after this forecast was made: run the forecast again before applying a variant.",
      }),
    });
    await user.click(await screen.findByRole("button", { name: "Apply “Slow-link box cleared”…" }, SLOW));
    const dialog = await screen.findByRole("dialog", { name: "Apply “Slow-link box cleared”" }, SLOW);
    expect(await within(dialog).findByRole("alert")).toHaveTextContent(
      "The advertisement changed after this forecastAdvertisement CEN20001 was changed after this forecast was made",
    );
    expect(within(dialog).getByRole("button", { name: "Apply “Slow-link box cleared”" })).toBeDisabled();
    expect(api.callsTo("POST", `${FORECASTS}/${FORECAST_ID}/apply`)).toHaveLength(0);
  });
});

describe("Forecast → the draft", () => {
  it("runs the draft with the slow-link box cleared, as the API's schema wants it", async () => {
    const api = mockApi({
      "GET /api/auth/session": { body: sessionFor("ERT_MEMBER") },
      [`GET ${FLEET}/advertisements/CEN20001`]: { body: mandatoryAd },
      [`GET ${FORECASTS}`]: { body: { items: [] } },
    });
    const queued = forecastRecord({ status: "QUEUED", runsDone: 0, result: null, finishedAt: null });
    api.set(`POST ${FORECASTS}`, { status: 202, body: queued });
    api.set(`GET ${FORECASTS}/${FORECAST_ID}`, { body: queued });
    const { user } = renderApp("/deployments/CEN20001/forecast");
    expect(await screen.findByText(/No forecast of this advertisement yet/, undefined, SLOW)).toBeInTheDocument();
    const box = screen.getByRole("checkbox", { name: /Assignments are not mandatory over slow links/ });
    expect(box).toBeChecked();
    await user.click(box);
    await user.click(screen.getByRole("radio", { name: "Download program from remote distribution point" }));
    await user.click(screen.getByRole("button", { name: "Run forecast" }));
    await waitFor(() => expect(api.callsTo("POST", FORECASTS)).toHaveLength(1));
    const body = api.callsTo("POST", FORECASTS)[0]!.body as {
      fromAdvertisement: { advertisementId: string; advertFlags: number; remoteClientFlags: number };
      runs: number;
      programSuccessPct: number;
    };
    expect(body.fromAdvertisement.advertisementId).toBe("CEN20001");
    expect(AdvertFlags.has(body.fromAdvertisement.advertFlags, "ONSLOWNET")).toBe(true);
    expect(body.fromAdvertisement.remoteClientFlags).toBe(0x50);
    expect(body).toMatchObject({ runs: 40, programSuccessPct: 99, priority: "EMERGENCY" });
    // The schedule was not touched: it is not sent (the advertisement's own stays as it is).
    expect(body.fromAdvertisement).not.toHaveProperty("assignedSchedule");
    expect(await screen.findByRole("progressbar", { name: "Forecast progress" }, SLOW)).toBeInTheDocument();
    expect(screen.getByText("Waiting for a free forecast slot…")).toBeInTheDocument();
  });
});

describe("Forecast → the request body", () => {
  it("sends the schedule only when the first assignment was changed (a start with seconds is kept)", () => {
    const ad = advertisement({
      assignedSchedule: [{ startTime: "2026-05-01T19:00:30.000Z" }],
      assignedScheduleEnabled: true,
    });
    const form = formFromAdvertisement(ad, "EMERGENCY", new Date(START));
    expect(bodyFromForm(ad, form, null).fromAdvertisement).not.toHaveProperty("assignedSchedule");
    const moved = bodyFromForm(ad, { ...form, firstAssignment: toLocalInput("2026-05-01T21:00:00.000Z") }, null);
    expect(moved.fromAdvertisement?.assignedSchedule).toEqual([{ startTime: "2026-05-01T21:00:00.000Z" }]);
  });
});
