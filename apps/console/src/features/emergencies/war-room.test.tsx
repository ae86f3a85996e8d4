import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { checklistPreview, EMERGENCY_ID, oobPage, oobTask, uuid, warRoom } from "../../../test/process-fixtures";
import { apiError, mockApi, sessionFor } from "../../../test/mock-api";
import { renderApp } from "../../../test/render-app";
import { changeLines } from "./checklist-changes";

const WAR_ROOM = `/api/emergencies/${EMERGENCY_ID}`;

async function openWarRoom(routes: Parameters<typeof mockApi>[0] = {}, role: "ERT_LEAD" | "OBSERVER" = "ERT_LEAD") {
  const api = mockApi({
    "GET /api/auth/session": { body: sessionFor(role) },
    [`GET ${WAR_ROOM}`]: { body: warRoom() },
    [`GET ${WAR_ROOM}/checklist`]: { body: checklistPreview() },
    "GET /api/oob-tasks": { body: oobPage([]) },
    ...routes,
  });
  const app = renderApp(`/emergencies/${EMERGENCY_ID}`);
  await screen.findByRole("heading", { level: 1, name: "Sasser worm outbreak" });
  return { api, ...app };
}

const checklist = () => screen.getByRole("region", { name: "Emergency checklist" });

async function preview(user: ReturnType<typeof renderApp>["user"]) {
  await user.click(within(checklist()).getByRole("button", { name: "Preview checklist" }));
  return within(checklist()).findByRole("table", { name: "Checklist items to review" });
}

describe("War room → emergency checklist", () => {
  it("previews every item with its changes (before → after) and the tasks it creates", async () => {
    const { user, api } = await openWarRoom();
    const table = await preview(user);
    expect(api.callsTo("GET", `${WAR_ROOM}/checklist`)[0]?.search.get("caseId")).toBe(uuid(10));
    const relax = within(table).getByRole("row", { name: /Lift the restrictions on the sender addresses/ });
    expect(relax).toHaveTextContent("1 change");
    expect(relax).toHaveTextContent("1 × Restore sender address settings");
    await user.click(within(relax).getByRole("button", { name: /Show the changes/ }));
    expect(within(relax).getByText(/Rate limit: Pulse mode \(4 KB every 1 s\) →/)).toBeInTheDocument();
    await user.click(within(relax).getByRole("button", { name: "Show the tasks" }));
    expect(within(relax).getByText("CEN → ABZ")).toBeInTheDocument();
    const infra = within(table).getByRole("row", { name: /Leave patch-infrastructure servers out/ });
    expect(infra).toHaveTextContent("Nothing to do");
    expect(infra).toHaveTextContent("No patch-infrastructure server is in the target collection.");
  });

  it("declining an item needs a reason; apply sends it with If-Match of the previewed version", async () => {
    const { user, api } = await openWarRoom({
      [`POST ${WAR_ROOM}/checklist/apply`]: {
        body: {
          applied: true,
          message: "Checklist applied: 1 change, 0 out-of-band tasks created, 1 declined.",
          applicationId: uuid(60),
          emergencyVersion: 5,
          changes: [{ entity: "ADVERTISEMENT", id: "CEN20001", summary: "Advertisement CEN20001 made mandatory." }],
          tasksCreated: {},
          tasksAlreadyThere: 0,
          declined: [{ key: "RELAX_SENDERS", reason: "Links are already open" }],
        },
      },
    });
    await preview(user);
    await user.click(
      within(checklist()).getByRole("button", {
        name: "Decline: Lift the restrictions on the sender addresses to the target sites",
      }),
    );
    const dialog = await screen.findByRole("dialog");
    await user.click(within(dialog).getByRole("button", { name: "Decline item" }));
    expect(
      await within(dialog).findByText("Say why this item is declined (at least 5 characters)"),
    ).toBeInTheDocument();
    await user.type(
      within(dialog).getByRole("textbox", { name: "Why is this item declined?" }),
      "Links are already open",
    );
    await user.click(within(dialog).getByRole("button", { name: "Decline item" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    const relax = within(checklist()).getByRole("row", { name: /Lift the restrictions/ });
    expect(relax).toHaveTextContent("Declined");
    expect(relax).toHaveTextContent("“Links are already open”");

    await user.click(within(checklist()).getByRole("button", { name: "Apply checklist…" }));
    const confirm = await screen.findByRole("dialog", { name: "Apply the emergency checklist" });
    expect(confirm).toHaveTextContent("Declined: Lift the restrictions on the sender addresses to the target sites");
    await user.click(within(confirm).getByRole("button", { name: "Apply now" }));
    await waitFor(() => expect(api.callsTo("POST", `${WAR_ROOM}/checklist/apply`)).toHaveLength(1));
    const [call] = api.callsTo("POST", `${WAR_ROOM}/checklist/apply`);
    expect(call?.headers.get("if-match")).toBe('W/"4"');
    expect(call?.body).toEqual({
      caseId: uuid(10),
      declined: [{ key: "RELAX_SENDERS", reason: "Links are already open" }],
    });
    expect(await within(checklist()).findByText("Checklist applied")).toBeInTheDocument();
  });

  it("explains that only the lead, SMS administrators or grant holders apply it", async () => {
    const { user } = await openWarRoom({}, "OBSERVER");
    await preview(user);
    expect(within(checklist()).queryByRole("button", { name: /^Decline/ })).not.toBeInTheDocument();
    expect(
      within(checklist()).getByText(/Applying the emergency checklist needs the ERT lead or SMS administrator role/),
    ).toBeInTheDocument();
  });
});

describe("War room → closing", () => {
  it("shows why closing is refused while a sender address is not restored", async () => {
    const restore = oobTask({
      record: {
        kind: "SENDER_RESTORE",
        targetRef: { type: "SENDER_ADDRESS", id: "CEN>ABZ", label: "CEN → ABZ" },
        method: "CONSOLE_LOGON",
        dueAt: null,
      },
    });
    const { user, api } = await openWarRoom({ "GET /api/oob-tasks": { body: oobPage([restore]) } });
    await user.click(screen.getByRole("button", { name: "Close emergency…" }));
    const dialog = await screen.findByRole("dialog", { name: "Close the emergency" });
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("CEN>ABZ: open");
    expect(within(dialog).getByRole("button", { name: "Close emergency" })).toBeDisabled();
    expect(api.callsTo("GET", "/api/oob-tasks")[0]?.search.get("kind")).toBe("SENDER_RESTORE");
  });

  it("shows the API's refusal when closing races a new restore task", async () => {
    const { user } = await openWarRoom({
      [`POST ${WAR_ROOM}/close`]: apiError(
        409,
        "ILLEGAL_TRANSITION",
        "Restore the relaxed sender addresses first (or decline each restore with a reason): CEN>ABZ (open).",
      ),
    });
    await user.click(screen.getByRole("button", { name: "Close emergency…" }));
    const dialog = await screen.findByRole("dialog", { name: "Close the emergency" });
    await within(dialog).findByText("Every relaxed sender address has been restored.");
    await user.type(
      within(dialog).getByRole("textbox", { name: /Closing summary/ }),
      "Coverage reached 97 %, all good",
    );
    await user.click(within(dialog).getByRole("button", { name: "Close emergency" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("Restore the relaxed sender addresses first");
  });
});

describe("War room → roster", () => {
  it("shows who holds authority, and lets the lead grant it with a justification", async () => {
    const { user, api } = await openWarRoom();
    const roster = screen.getByRole("region", { name: "Response team" });
    expect(within(roster).getByText("Authority: ERT lead")).toBeInTheDocument();
    await user.type(within(roster).getByRole("textbox", { name: "Justification" }), "Lead away");
    await user.click(within(roster).getByRole("button", { name: "Grant authority" }));
    expect(
      await within(roster).findByText("Say why the authority is needed, in at least 20 characters"),
    ).toBeInTheDocument();
    expect(within(roster).getByText("Choose who receives the authority")).toBeInTheDocument();
    expect(api.callsTo("POST", `${WAR_ROOM}/grants`)).toHaveLength(0);
  });
});

describe("checklist change lines", () => {
  it("words settings and leaves out the saved baseline", () => {
    expect(
      changeLines(
        { mandatoryOverSlowLinks: false, rateLimit: { mode: "UNLIMITED" } },
        { mandatoryOverSlowLinks: true, rateLimit: { mode: "UNLIMITED" }, savedBaseline: { x: 1 } },
      ),
    ).toEqual([{ setting: "Mandatory over slow links", before: "No", after: "Yes" }]);
  });
});
