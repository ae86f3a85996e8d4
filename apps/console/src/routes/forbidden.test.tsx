import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { mockApi, sessionFor } from "../../test/mock-api";
import { renderApp } from "../../test/render-app";

describe("403 guard", () => {
  it("shows a friendly page when an observer opens /admin/users, without calling the users API", async () => {
    const api = mockApi({ "GET /api/auth/session": { body: sessionFor("OBSERVER") } });
    renderApp("/admin/users");
    expect(await screen.findByRole("heading", { name: "You do not have access to this page" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Go to the overview" })).toHaveAttribute("href", "/");
    // Inside the shell: navigation stays usable.
    expect(screen.getByRole("navigation", { name: "Main navigation" })).toBeInTheDocument();
    expect(api.callsTo("GET", "/api/users")).toHaveLength(0);
    await waitFor(() => expect(document.title).toBe("Not allowed · Firebreak"));
  });

  it("guards /admin too", async () => {
    mockApi({ "GET /api/auth/session": { body: sessionFor("ERT_LEAD") } });
    renderApp("/admin");
    expect(await screen.findByRole("heading", { name: "You do not have access to this page" })).toBeInTheDocument();
  });

  it("keeps roles without audit access out of /audit", async () => {
    const api = mockApi({ "GET /api/auth/session": { body: sessionFor("SMS_ADMIN") } });
    renderApp("/audit");
    expect(await screen.findByRole("heading", { name: "You do not have access to this page" })).toBeInTheDocument();
    expect(api.callsTo("GET", "/api/audit")).toHaveLength(0);
  });

  it("keeps an administrator out of operations areas", async () => {
    mockApi({ "GET /api/auth/session": { body: sessionFor("ADMIN") } });
    renderApp("/triage");
    expect(await screen.findByRole("heading", { name: "You do not have access to this page" })).toBeInTheDocument();
  });

  it("lets an administrator in to /admin/users", async () => {
    mockApi({ "GET /api/auth/session": { body: sessionFor("ADMIN") }, "GET /api/users": { body: { items: [] } } });
    const { router } = renderApp("/admin");
    expect(await screen.findByRole("heading", { name: "Users", level: 1 })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/admin/users");
  });
});
