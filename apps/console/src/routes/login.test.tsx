import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { apiError, mockApi, sessionFor, signedOut } from "../../test/mock-api";
import { renderApp } from "../../test/render-app";

const overviewRoutes = {
  "GET /api/health": { status: 503, body: { code: "UNAVAILABLE", message: "down", requestId: "h" } },
};

describe("Login screen", () => {
  it("redirects a signed-out visitor to /login with the page to return to", async () => {
    mockApi({ "GET /api/auth/session": signedOut });
    const { router } = renderApp("/audit?actor=alice");
    expect(await screen.findByRole("heading", { name: "Sign in to Firebreak" })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/login");
    expect(router.state.location.search).toBe(`?next=${encodeURIComponent("/audit?actor=alice")}`);
    await waitFor(() => expect(document.title).toBe("Sign in · Firebreak"));
  });

  it("shows inline messages from the shared schema and sends nothing when fields are empty", async () => {
    const api = mockApi({ "GET /api/auth/session": signedOut });
    const { user } = renderApp("/login");
    await user.click(await screen.findByRole("button", { name: "Sign in" }));

    expect(await screen.findByText("Enter your username")).toBeInTheDocument();
    expect(screen.getByText("Enter your password")).toBeInTheDocument();
    expect(screen.getByLabelText(/Username/)).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByLabelText(/Username/)).toHaveFocus();
    expect(api.callsTo("POST", "/api/auth/login")).toHaveLength(0);

    await user.type(screen.getByLabelText(/Username/), "alice");
    expect(screen.queryByText("Enter your username")).not.toBeInTheDocument();
  });

  it("says clearly when the username or password is wrong", async () => {
    const api = mockApi({
      "GET /api/auth/session": signedOut,
      "POST /api/auth/login": apiError(401, "UNAUTHENTICATED", "Wrong username or password"),
    });
    const { user } = renderApp("/login");
    await user.type(await screen.findByLabelText(/Username/), "Alice ");
    await user.type(screen.getByLabelText(/Password/), "not-the-password");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    expect(await screen.findByRole("alert")).toHaveTextContent("Wrong username or password");
    expect(api.callsTo("POST", "/api/auth/login")[0]?.body).toEqual({
      username: "alice",
      password: "not-the-password",
    });
    expect(screen.getByLabelText(/Password/)).toHaveValue("");
  });

  it("explains throttling with the time to wait", async () => {
    mockApi({
      "GET /api/auth/session": signedOut,
      "POST /api/auth/login": {
        ...apiError(429, "RATE_LIMITED", "Too many sign-in attempts"),
        headers: { "retry-after": "120" },
      },
    });
    const { user } = renderApp("/login");
    await user.type(await screen.findByLabelText(/Username/), "alice");
    await user.type(screen.getByLabelText(/Password/), "whatever-password");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Too many sign-in attempts");
    expect(alert).toHaveTextContent("Try again in 2 minutes");
  });

  it("signs in and returns to the page that was asked for", async () => {
    const session = sessionFor("ADMIN");
    let signedIn = false;
    mockApi({
      "GET /api/auth/session": () => (signedIn ? { body: session } : signedOut),
      "POST /api/auth/login": () => {
        signedIn = true;
        return { body: session };
      },
      "GET /api/users": { body: { items: [] } },
    });
    const { user, router, queryClient } = renderApp(`/login?next=${encodeURIComponent("/admin/users")}`);
    await user.type(await screen.findByLabelText(/Username/), "admin");
    await user.type(screen.getByLabelText(/Password/), "firebreak-demo");
    await user.click(screen.getByRole("button", { name: "Sign in" }));

    expect(await screen.findByRole("heading", { name: "Users", level: 1 })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/admin/users");
    expect(queryClient.getQueryData(["session"])).toEqual(session);
  });

  it("never sends the user to another site after signing in", async () => {
    const session = sessionFor("OBSERVER");
    mockApi({ "GET /api/auth/session": signedOut, "POST /api/auth/login": { body: session }, ...overviewRoutes });
    const { user, router } = renderApp(`/login?next=${encodeURIComponent("//evil.example/x")}`);
    await user.type(await screen.findByLabelText(/Username/), "observer");
    await user.type(screen.getByLabelText(/Password/), "firebreak-demo");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("heading", { name: "Overview", level: 1 })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/");
  });

  it("does not list demo accounts", async () => {
    mockApi({ "GET /api/auth/session": signedOut });
    renderApp("/login");
    await screen.findByRole("heading", { name: "Sign in to Firebreak" });
    expect(document.body).not.toHaveTextContent(/firebreak-demo|ert-lead|demo account/i);
  });
});
