import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { EMERGENCY_ID, oobPage, oobTask, uuid } from "../../../test/process-fixtures";
import { mockApi, sessionFor, type RecordedCall } from "../../../test/mock-api";
import { renderApp } from "../../../test/render-app";

const TASK = `/api/oob-tasks/${uuid(70)}`;
const me = sessionFor("ERT_MEMBER").user;

/** The board asks once per state column; answer each with the tasks in that state. */
const byState =
  (...tasks: ReturnType<typeof oobTask>[]) =>
  (call: RecordedCall) => ({ body: oobPage(tasks.filter((t) => t.record.state === call.search.get("state"))) });

async function openBoard(
  tasks: ReturnType<typeof oobTask>[],
  routes: Parameters<typeof mockApi>[0] = {},
  role: "ERT_MEMBER" | "MANAGER" = "ERT_MEMBER",
) {
  const api = mockApi({
    "GET /api/auth/session": { body: sessionFor(role) },
    "GET /api/oob-tasks": byState(...tasks),
    ...routes,
  });
  const app = renderApp("/tasks");
  await screen.findByRole("heading", { level: 1, name: "Out-of-band tasks" });
  return { api, ...app };
}

const column = (name: string) => screen.getByRole("region", { name });

describe("Out-of-band board", () => {
  it("puts tasks in state columns with kind, target, owner, method and overdue due time", async () => {
    await openBoard([
      oobTask(),
      oobTask({
        id: uuid(71),
        ownerName: "Evan Member",
        record: { state: "DONE", ownerId: me.id, evidence: "Patched at the NYC office from CD" },
      }),
    ]);
    const open = await within(await screen.findByRole("region", { name: "Open" })).findByRole("article");
    expect(open).toHaveAccessibleName("Patch slow-link computer out of band: NYC-LT00042");
    expect(open).toHaveTextContent("Owner: Nobody yet");
    expect(open).toHaveTextContent("Method: Bring the computer to an office");
    expect(open).toHaveTextContent(/Overdue by 2 h/);
    const done = await within(column("Done")).findByRole("article");
    expect(done).toHaveTextContent("Evidence: Patched at the NYC office from CD");
    expect(done).not.toHaveTextContent(/Overdue/);
    expect(within(done).queryByRole("button")).not.toBeInTheDocument();
  });

  it("assigns a task to me with If-Match of the task's version", async () => {
    const { user, api } = await openBoard([oobTask()], { [`PATCH ${TASK}`]: { body: oobTask({ version: 3 }) } });
    await user.click(await screen.findByRole("button", { name: "Assign to me: NYC-LT00042" }));
    await waitFor(() => expect(api.callsTo("PATCH", TASK)).toHaveLength(1));
    const [call] = api.callsTo("PATCH", TASK);
    expect(call?.headers.get("if-match")).toBe('W/"2"');
    expect(call?.body).toEqual({ to: "ASSIGNED", ownerId: me.id });
  });

  it("needs evidence before a task can be Done", async () => {
    const assigned = oobTask({ ownerName: "Evan Member", record: { state: "IN_PROGRESS", ownerId: me.id } });
    const { user, api } = await openBoard([assigned], { [`PATCH ${TASK}`]: { body: assigned } });
    await user.click(await screen.findByRole("button", { name: "Update task: NYC-LT00042" }));
    const dialog = await screen.findByRole("dialog");
    await user.click(within(dialog).getByRole("combobox", { name: "State" }));
    await user.click(await screen.findByRole("option", { name: "Done" }));
    await user.click(within(dialog).getByRole("button", { name: "Save task" }));
    expect(await within(dialog).findByText("Describe the evidence that the task is done")).toBeInTheDocument();
    expect(api.callsTo("PATCH", TASK)).toHaveLength(0);
    await user.type(
      within(dialog).getByRole("textbox", { name: /Evidence/ }),
      "KB835732 installed from CD, checked in Add/Remove",
    );
    await user.click(within(dialog).getByRole("button", { name: "Save task" }));
    await waitFor(() => expect(api.callsTo("PATCH", TASK)).toHaveLength(1));
    expect(api.callsTo("PATCH", TASK)[0]?.body).toEqual({
      to: "DONE",
      evidence: "KB835732 installed from CD, checked in Add/Remove",
    });
  });

  it("has no work buttons for roles that only read, and says why", async () => {
    await openBoard([oobTask()], {}, "MANAGER");
    await within(column("Open")).findByRole("article");
    expect(screen.queryByRole("button", { name: /Assign to me/ })).not.toBeInTheDocument();
    expect(
      screen.getByText(
        /Working out-of-band tasks needs the ERT lead, ERT member \/ patch team or SMS administrator role/,
      ),
    ).toBeInTheDocument();
  });

  it("says what creates tasks when there are none", async () => {
    mockApi({
      "GET /api/auth/session": { body: sessionFor("ERT_MEMBER") },
      "GET /api/oob-tasks": { body: oobPage([]) },
      [`GET /api/emergencies/${EMERGENCY_ID}`]: {
        status: 404,
        body: { code: "NOT_FOUND", message: "x", requestId: "r" },
      },
    });
    renderApp(`/emergencies/${EMERGENCY_ID}/tasks`);
    expect(await screen.findByRole("heading", { name: "No out-of-band task yet" })).toBeInTheDocument();
  });
});
