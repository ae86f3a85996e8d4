import { uniformAddressSchedule } from "@firebreak/domain";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { FLEET, senderAddress, sites } from "../../../test/fleet-fixtures";
import { apiError, mockApi, sessionFor } from "../../../test/mock-api";
import { renderApp } from "../../../test/render-app";
import { validateRateLimit, draftFromRateLimit } from "./rate-limit-draft";

const ADDRESS = `${FLEET}/sender-addresses/NYC%3EMIA`;
const address = senderAddress();

async function openEditor(role: "SMS_ADMIN" | "OBSERVER" = "SMS_ADMIN", routes: Parameters<typeof mockApi>[0] = {}) {
  const api = mockApi({
    "GET /api/auth/session": { body: sessionFor(role) },
    [`GET ${ADDRESS}`]: { body: address },
    [`GET ${FLEET}/sites`]: { body: { items: sites } },
    ...routes,
  });
  const app = renderApp("/sites/senders/NYC%3EMIA");
  await screen.findByRole("heading", { name: "Address NYC → MIA", level: 1 });
  return { api, ...app };
}

const cell = (name: string) => screen.getByRole("gridcell", { name: new RegExp(`^${name},`) });

describe("Sender address → availability grid", () => {
  it("names every cell with its day, hour and level, Sunday first as in UsageSchedule", async () => {
    await openEditor();
    const grid = screen.getByRole("grid", { name: "Availability" });
    expect(within(grid).getAllByRole("gridcell")).toHaveLength(7 * 24);
    expect(within(grid).getAllByRole("row")[1]).toHaveTextContent(/^Sunday/);
    expect(cell("Monday 09:00")).toHaveAccessibleName("Monday 09:00, Open for all priorities");
    // The level picker is the legend: colour swatch, letter and label for each of the four levels.
    expect(
      within(screen.getByRole("radiogroup", { name: /Availability to paint/ }))
        .getAllByRole("radio")
        .map((r) => r.getAttribute("value")),
    ).toEqual(["1", "2", "3", "4"]);
  });

  it("paints with the keyboard and saves HourUsage codes (day 1 = Monday) with If-Match", async () => {
    const { user, api } = await openEditor("SMS_ADMIN", { [`PATCH ${ADDRESS}`]: { body: { ...address, version: 5 } } });
    cell("Monday 00:00").focus();
    await user.keyboard("{ArrowRight}");
    expect(cell("Monday 01:00")).toHaveFocus();
    await user.keyboard("3");
    expect(cell("Monday 01:00")).toHaveAccessibleName("Monday 01:00, Allow high priority only");

    // Shift+arrows select a block; a number sets the whole block.
    await user.keyboard("{ArrowDown}{Shift>}{ArrowRight}{ArrowRight}{/Shift}");
    expect(cell("Tuesday 03:00")).toHaveFocus();
    expect(cell("Tuesday 02:00")).toHaveAttribute("aria-selected", "true");
    await user.keyboard("4");
    for (const h of ["01", "02", "03"]) expect(cell(`Tuesday ${h}:00`)).toHaveAccessibleName(`Tuesday ${h}:00, Closed`);
    expect(cell("Tuesday 04:00")).toHaveAccessibleName("Tuesday 04:00, Open for all priorities");

    await user.click(screen.getByRole("button", { name: "Save address" }));
    await waitFor(() => expect(api.callsTo("PATCH", ADDRESS)).toHaveLength(1));
    const [patch] = api.callsTo("PATCH", ADDRESS);
    const expected = uniformAddressSchedule(1);
    expected[1]![1] = 3;
    expected[2]![1] = 4;
    expected[2]![2] = 4;
    expected[2]![3] = 4;
    expect(patch?.body).toEqual({ usageSchedule: expected });
    expect(patch?.headers.get("if-match")).toBe('W/"4"');
  });

  it("fills a row (R, or the button) and a column (C) with the chosen level", async () => {
    const { user } = await openEditor();
    await user.click(screen.getByRole("radio", { name: /2 · Allow medium and high priority/ }));
    cell("Monday 00:00").focus();
    await user.keyboard("{ArrowDown}r");
    expect(screen.getAllByRole("gridcell", { name: /^Tuesday .*Allow medium and high priority$/ })).toHaveLength(24);

    await user.keyboard("{End}c");
    expect(screen.getAllByRole("gridcell", { name: /23:00, Allow medium and high priority$/ })).toHaveLength(7);

    await user.click(screen.getByRole("radio", { name: /4 · Closed/ }));
    await user.click(screen.getByRole("button", { name: /Fill Tuesday with/ }));
    expect(screen.getAllByRole("gridcell", { name: /^Tuesday .*Closed$/ })).toHaveLength(24);
  });

  it("paints a block by dragging across cells", async () => {
    await openEditor();
    fireEvent.pointerDown(cell("Wednesday 08:00"), { button: 0 });
    fireEvent.pointerEnter(cell("Thursday 10:00"));
    fireEvent.pointerUp(window);
    // Level 3 is the picker's default.
    expect(screen.getAllByRole("gridcell", { name: /Allow high priority only$/ })).toHaveLength(6);
    expect(cell("Thursday 09:00")).toHaveAccessibleName("Thursday 09:00, Allow high priority only");
  });

  it("is read-only for roles without editDistribution", async () => {
    const { user } = await openEditor("OBSERVER");
    expect(screen.getByRole("grid", { name: "Availability" })).toHaveAttribute("aria-readonly", "true");
    expect(screen.queryByRole("button", { name: "Save address" })).not.toBeInTheDocument();
    expect(screen.getByText("Only SMS administrators can change sender addresses.")).toBeInTheDocument();
    cell("Monday 00:00").focus();
    await user.keyboard("4");
    expect(cell("Monday 00:00")).toHaveAccessibleName("Monday 00:00, Open for all priorities");
  });

  it("shows a 412 as changed by someone else, and reloads", async () => {
    const { user, api } = await openEditor("SMS_ADMIN", {
      [`PATCH ${ADDRESS}`]: apiError(412, "PRECONDITION_FAILED", "Version mismatch"),
    });
    cell("Monday 00:00").focus();
    await user.keyboard("4");
    await user.click(screen.getByRole("button", { name: "Save address" }));
    expect(await screen.findByText("Changed by someone else — reload")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Reload" }));
    await waitFor(() => expect(api.callsTo("GET", ADDRESS).length).toBeGreaterThan(1));
  });
});

describe("Sender address → Rate Limits", () => {
  it("validates pulse mode with the domain schema before sending", async () => {
    const { user, api } = await openEditor();
    await user.click(screen.getByRole("tab", { name: /Rate Limits/ }));
    await user.click(screen.getByRole("radio", { name: "Pulse mode" }));
    const block = screen.getByRole("textbox", { name: "Size of data block (KB)" });
    await user.clear(block);
    await user.type(block, "300");
    await user.clear(screen.getByRole("textbox", { name: "Delay between data blocks (seconds)" }));
    await user.click(screen.getByRole("button", { name: "Save address" }));

    expect(await screen.findByText("Block size is at most 256 KB")).toBeInTheDocument();
    expect(screen.getByText("Enter the delay between data blocks in seconds")).toBeInTheDocument();
    expect(api.callsTo("PATCH", ADDRESS)).toHaveLength(0);
  });

  it("sends an hourly limit once every hour is 1–100 %", async () => {
    const { user, api } = await openEditor("SMS_ADMIN", { [`PATCH ${ADDRESS}`]: { body: address } });
    await user.click(screen.getByRole("tab", { name: /Rate Limits/ }));
    await user.click(screen.getByRole("radio", { name: /Limited to specified maximum transfer rates by hour/ }));
    const nine = screen.getByRole("textbox", { name: "09:00 limit (%)" });
    await user.clear(nine);
    await user.type(nine, "0");
    await user.click(screen.getByRole("button", { name: "Save address" }));
    expect(await screen.findByText("A limit is at least 1 %")).toBeInTheDocument();

    await user.clear(nine);
    await user.type(nine, "40");
    await user.click(screen.getByRole("button", { name: "Save address" }));
    await waitFor(() => expect(api.callsTo("PATCH", ADDRESS)).toHaveLength(1));
    const pct = Array.from({ length: 24 }, (_, h) => (h === 9 ? 40 : 100));
    expect(api.callsTo("PATCH", ADDRESS)[0]?.body).toEqual({
      rateLimit: { mode: "HOURLY_LIMIT", hourlyLimitPct: pct },
    });
  });

  it("validateRateLimit names empty and out-of-range inputs", () => {
    const draft = draftFromRateLimit({ mode: "UNLIMITED" });
    expect(validateRateLimit(draft)).toEqual({ value: { mode: "UNLIMITED" }, errors: null });
    expect(validateRateLimit({ ...draft, mode: "PULSE", blockSizeKB: 0, delaySeconds: 31 }).errors).toEqual({
      blockSizeKB: "Block size is at least 1 KB",
      delaySeconds: "Delay is at most 30 seconds",
    });
    const hours = [...draft.hourlyLimitPct];
    hours[5] = "";
    expect(validateRateLimit({ ...draft, mode: "HOURLY_LIMIT", hourlyLimitPct: hours }).errors).toMatchObject({
      "hourlyLimitPct.5": "Enter a limit for 05:00",
    });
    expect(validateRateLimit({ ...draft, mode: "PULSE", blockSizeKB: 4, delaySeconds: 2 }).value).toEqual({
      mode: "PULSE",
      blockSizeKB: 4,
      delaySeconds: 2,
    });
  });
});
