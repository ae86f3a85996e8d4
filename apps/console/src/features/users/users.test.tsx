import type { User } from "@firebreak/domain";
import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { apiError, mockApi, sessionFor } from "../../../test/mock-api";
import { renderApp } from "../../../test/render-app";
import { OWN_ROLE_LOCKED_MESSAGE, STALE_USER_MESSAGE } from "./components/edit-user-modal";

const admin = sessionFor("ADMIN", { displayName: "Ada Admin", username: "admin" });

const makeUser = (overrides: Partial<User>): User => ({
  id: "00000000-0000-4000-8000-0000000000aa",
  username: "olivia",
  displayName: "Olivia Observer",
  role: "OBSERVER",
  disabled: false,
  version: 3,
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-02T00:00:00.000Z",
  ...overrides,
});

const olivia = makeUser({});
const self = makeUser({ id: admin.user.id, username: "admin", displayName: "Ada Admin", role: "ADMIN", version: 1 });

async function openUsers(routes: Parameters<typeof mockApi>[0] = {}) {
  const api = mockApi({
    "GET /api/auth/session": { body: admin },
    "GET /api/users": { body: { items: [self, olivia] } },
    ...routes,
  });
  const app = renderApp("/admin/users");
  await screen.findByRole("heading", { name: "Users", level: 1 });
  return { api, ...app };
}

describe("Admin → Users", () => {
  it("lists users with username, display name, role and status", async () => {
    await openUsers();
    const table = screen.getByRole("table");
    const rows = within(table).getAllByRole("row");
    expect(rows).toHaveLength(3);
    expect(within(rows[2]!).getByText("olivia")).toBeInTheDocument();
    expect(within(rows[2]!).getByText("Olivia Observer")).toBeInTheDocument();
    expect(within(rows[2]!).getByText("Observer / auditor")).toBeInTheDocument();
    expect(within(rows[2]!).getByText("Active")).toBeInTheDocument();
    expect(within(rows[1]!).getByText("you")).toBeInTheDocument();
    await waitFor(() => expect(document.title).toBe("Users · Firebreak"));
  });

  it("validates the create form with the shared schema, inline", async () => {
    const { user, api } = await openUsers();
    await user.click(screen.getByRole("button", { name: "Create user" }));
    const dialog = await screen.findByRole("dialog", { name: "Create user" });
    await user.click(within(dialog).getByRole("button", { name: "Create user" }));

    expect(await within(dialog).findByText(/2–40 characters/)).toBeInTheDocument();
    expect(within(dialog).getByText("Enter a display name")).toBeInTheDocument();
    expect(within(dialog).getByText("Use at least 12 characters")).toBeInTheDocument();
    expect(api.callsTo("POST", "/api/users")).toHaveLength(0);
  });

  it("creates a user with the CSRF token and confirms it", async () => {
    const created = makeUser({
      id: "00000000-0000-4000-8000-0000000000bb",
      username: "sam",
      displayName: "Sam Sender",
      role: "SMS_ADMIN",
      version: 1,
    });
    const { user, api } = await openUsers({ "POST /api/users": { status: 201, body: created } });
    await user.click(screen.getByRole("button", { name: "Create user" }));
    const dialog = await screen.findByRole("dialog", { name: "Create user" });
    await user.type(within(dialog).getByLabelText(/^Username/), "sam");
    await user.type(within(dialog).getByLabelText(/^Display name/), "Sam Sender");
    await user.click(within(dialog).getByRole("combobox", { name: /^Role/ }));
    await user.click(await screen.findByRole("option", { name: /SMS administrator/ }));
    await user.type(within(dialog).getByLabelText(/^Initial password/), "a-long-enough-password");
    await user.click(within(dialog).getByRole("button", { name: "Create user" }));

    expect(await screen.findByText("User created")).toBeInTheDocument();
    const [post] = api.callsTo("POST", "/api/users");
    expect(post?.body).toEqual({
      username: "sam",
      displayName: "Sam Sender",
      role: "SMS_ADMIN",
      password: "a-long-enough-password",
    });
    expect(post?.headers.get("x-csrf-token")).toBe("csrf-admin");
    await waitFor(() => expect(api.callsTo("GET", "/api/users").length).toBeGreaterThan(1));
  });

  it("shows a duplicate username on the username field", async () => {
    const { user } = await openUsers({
      "POST /api/users": apiError(409, "CONFLICT", "That username is already taken"),
    });
    await user.click(screen.getByRole("button", { name: "Create user" }));
    const dialog = await screen.findByRole("dialog", { name: "Create user" });
    await user.type(within(dialog).getByLabelText(/^Username/), "olivia");
    await user.type(within(dialog).getByLabelText(/^Display name/), "Another Olivia");
    await user.type(within(dialog).getByLabelText(/^Initial password/), "a-long-enough-password");
    await user.click(within(dialog).getByRole("button", { name: "Create user" }));

    expect(await within(dialog).findByText("That username is already taken")).toBeInTheDocument();
    expect(within(dialog).getByLabelText(/^Username/)).toHaveAttribute("aria-invalid", "true");
  });

  it("edits only the changed fields and sends If-Match with the user's version", async () => {
    const { user, api } = await openUsers({
      "PATCH /api/users/00000000-0000-4000-8000-0000000000aa": { body: { ...olivia, role: "MANAGER", version: 4 } },
    });
    await user.click(screen.getByRole("button", { name: "Edit olivia" }));
    const dialog = await screen.findByRole("dialog", { name: "Edit olivia" });
    await user.click(within(dialog).getByRole("combobox", { name: /^Role/ }));
    await user.click(await screen.findByRole("option", { name: /^Manager/ }));
    await user.click(within(dialog).getByRole("button", { name: "Save changes" }));

    expect(await screen.findByText("User updated")).toBeInTheDocument();
    const [patch] = api.callsTo("PATCH", "/api/users/00000000-0000-4000-8000-0000000000aa");
    expect(patch?.body).toEqual({ role: "MANAGER" });
    expect(patch?.headers.get("if-match")).toBe('W/"3"');
    expect(patch?.headers.get("x-csrf-token")).toBe("csrf-admin");
  });

  it("asks for at least one change", async () => {
    const { user, api } = await openUsers();
    await user.click(screen.getByRole("button", { name: "Edit olivia" }));
    const dialog = await screen.findByRole("dialog", { name: "Edit olivia" });
    await user.click(within(dialog).getByRole("button", { name: "Save changes" }));
    expect(await within(dialog).findByText("Change at least one field")).toBeInTheDocument();
    expect(api.callsTo("PATCH", "/api/users/00000000-0000-4000-8000-0000000000aa")).toHaveLength(0);
  });

  it("explains a concurrent change (412) and reloads the user", async () => {
    let version = 3;
    const { user, api } = await openUsers({
      "GET /api/users": () => ({
        body: { items: [self, { ...olivia, version, displayName: version === 3 ? "Olivia Observer" : "Olivia O." }] },
      }),
      "PATCH /api/users/00000000-0000-4000-8000-0000000000aa": () => {
        version = 5;
        return apiError(412, "PRECONDITION_FAILED", "Version mismatch");
      },
    });
    await user.click(screen.getByRole("button", { name: "Edit olivia" }));
    const dialog = await screen.findByRole("dialog", { name: "Edit olivia" });
    await user.click(within(dialog).getByRole("switch", { name: /Account disabled/ }));
    await user.click(within(dialog).getByRole("button", { name: "Save changes" }));

    expect(await within(dialog).findByText(STALE_USER_MESSAGE)).toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Reload user" }));
    await waitFor(() => expect(within(dialog).getByLabelText(/^Display name/)).toHaveValue("Olivia O."));
    expect(within(dialog).queryByText(STALE_USER_MESSAGE)).not.toBeInTheDocument();
    expect(api.callsTo("PATCH", "/api/users/00000000-0000-4000-8000-0000000000aa")[0]?.body).toEqual({
      disabled: true,
    });
  });

  it("locks your own role and the disabled switch, and says why", async () => {
    const { user, api } = await openUsers({
      [`PATCH /api/users/${admin.user.id}`]: { body: { ...self, displayName: "Ada A.", version: 2 } },
    });
    await user.click(screen.getByRole("button", { name: "Edit admin" }));
    const dialog = await screen.findByRole("dialog", { name: "Edit admin" });
    const role = within(dialog).getByRole("combobox", { name: /^Role/ });
    expect(role).toBeDisabled();
    expect(role).toHaveAccessibleDescription(expect.stringContaining(OWN_ROLE_LOCKED_MESSAGE));
    expect(within(dialog).getByRole("switch", { name: /Account disabled/ })).toBeDisabled();

    // The rest of one's own account stays editable.
    await user.clear(within(dialog).getByLabelText(/^Display name/));
    await user.type(within(dialog).getByLabelText(/^Display name/), "Ada A.");
    await user.click(within(dialog).getByRole("button", { name: "Save changes" }));
    await waitFor(() => expect(api.callsTo("PATCH", `/api/users/${admin.user.id}`)).toHaveLength(1));
    expect(api.callsTo("PATCH", `/api/users/${admin.user.id}`)[0]?.body).toEqual({ displayName: "Ada A." });
  });

  it("shows the API's refusal in the dialog, next to the buttons", async () => {
    const refusal = "The last administrator cannot lose the administrator role.";
    const { user } = await openUsers({
      "PATCH /api/users/00000000-0000-4000-8000-0000000000aa": apiError(409, "CONFLICT", refusal, {
        requestId: "req-refused",
      }),
    });
    await user.click(screen.getByRole("button", { name: "Edit olivia" }));
    const dialog = await screen.findByRole("dialog", { name: "Edit olivia" });
    await user.click(within(dialog).getByRole("combobox", { name: /^Role/ }));
    await user.click(await screen.findByRole("option", { name: /^Manager/ }));
    await user.click(within(dialog).getByRole("button", { name: "Save changes" }));

    const alert = await within(dialog).findByRole("alert");
    expect(alert).toHaveTextContent("The changes were not saved");
    expect(alert).toHaveTextContent(refusal);
    expect(alert).toHaveTextContent("req-refused");
  });
});
