import { programDialogLabels } from "@firebreak/domain";
import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { advertisement, FLEET, packageDetail, program } from "../../../test/fleet-fixtures";
import { mockApi, sessionFor } from "../../../test/mock-api";
import { renderApp } from "../../../test/render-app";

const PROGRAM = `${FLEET}/packages/CEN0001A/programs/Install`;

async function openProgram(routes: Parameters<typeof mockApi>[0] = {}) {
  const api = mockApi({
    "GET /api/auth/session": { body: sessionFor("SMS_ADMIN") },
    [`GET ${PROGRAM}`]: { body: program() },
    [`GET ${FLEET}/advertisements`]: { body: { items: [advertisement()] } },
    ...routes,
  });
  const app = renderApp("/sites/packages/CEN0001A/programs/Install");
  await screen.findByRole("heading", { name: "Program Install", level: 1 });
  await app.user.click(screen.getByRole("tab", { name: /Advanced/ }));
  return { api, ...app };
}

describe("Program → Advanced tab", () => {
  it("asks before disabling; cancelling leaves the program enabled", async () => {
    const { user, api } = await openProgram();
    await user.click(screen.getByRole("checkbox", { name: programDialogLabels.disabled }));
    const dialog = await screen.findByRole("dialog", { name: "Disable this program?" });
    expect(dialog).toHaveTextContent(/halts the release/);
    await user.click(within(dialog).getByRole("button", { name: "Keep it enabled" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(screen.getByRole("checkbox", { name: programDialogLabels.disabled })).not.toBeChecked();
    expect(api.calls.filter((c) => c.method === "PATCH")).toHaveLength(0);
  });

  it("disables after confirmation and saves `disabled: true` with If-Match", async () => {
    const { user, api } = await openProgram({
      [`PATCH ${PROGRAM}`]: { body: program({ disabled: true, programFlags: 0x0010b000, version: 3 }) },
    });
    await user.click(screen.getByRole("checkbox", { name: programDialogLabels.disabled }));
    await user.click(within(await screen.findByRole("dialog")).getByRole("button", { name: "Disable program" }));
    expect(screen.getByRole("checkbox", { name: programDialogLabels.disabled })).toBeChecked();
    expect(screen.getByText("Will be disabled when you save")).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Save and disable program" }));
    await waitFor(() => expect(api.callsTo("PATCH", PROGRAM)).toHaveLength(1));
    const [patch] = api.callsTo("PATCH", PROGRAM);
    expect(patch?.body).toEqual({ disabled: true });
    expect(patch?.headers.get("if-match")).toBe('W/"2"');
  });

  it("shows the flags decoded, with names and hex", async () => {
    const { user } = await openProgram();
    await user.click(screen.getByRole("tab", { name: "Flags" }));
    expect(screen.getByText("0x0010A000")).toBeInTheDocument();
    const unattended = screen.getByText("UNATTENDED").closest("tr")!;
    expect(unattended).toHaveTextContent("0x00002000");
    expect(unattended).toHaveTextContent("Yes");
    expect(screen.getByText("DISABLED").closest("tr")).toHaveTextContent("No");
  });
});

describe("Package detail", () => {
  it("shows per-DP state, stored vs current version, delivery and the Courier sender", async () => {
    mockApi({
      "GET /api/auth/session": { body: sessionFor("OBSERVER") },
      [`GET ${FLEET}/packages/CEN0001A`]: { body: packageDetail() },
    });
    renderApp("/sites/packages/CEN0001A");
    await screen.findByRole("heading", { name: "MS04-011 KB835732", level: 1 });
    const mia = screen.getByText("MIASMS01").closest("tr")!;
    expect(mia).toHaveTextContent("In progress");
    expect(mia).toHaveTextContent("1 of 2 · 1 behind");
    expect(mia).toHaveTextContent("Courier parcel");
    expect(screen.getByText("CENDP01").closest("tr")).toHaveTextContent("2 · current");
    expect(screen.getByText("Only SMS administrators can change packages.")).toBeInTheDocument();
  });
});
