import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { apiError, mockApi, sessionFor } from "../../test/mock-api";
import { renderApp } from "../../test/render-app";

describe("Error pages", () => {
  it("shows a 404 page for unknown routes", async () => {
    mockApi({ "GET /api/auth/session": { body: sessionFor("OBSERVER") } });
    renderApp("/no/such/page");
    expect(await screen.findByRole("heading", { name: "Page not found", level: 1 })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Go to the overview" })).toBeInTheDocument();
  });

  it("turns an API failure into a readable message with the request id for support", async () => {
    mockApi({
      "GET /api/auth/session": { body: sessionFor("ADMIN") },
      "GET /api/users": apiError(500, "INTERNAL", "Internal server error", { requestId: "req-abc-123" }),
    });
    renderApp("/admin/users");
    expect(await screen.findByRole("heading", { name: "Something went wrong", level: 1 })).toBeInTheDocument();
    expect(screen.getByText("Internal server error")).toBeInTheDocument();
    expect(screen.getByText("req-abc-123")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Try again" })).toBeInTheDocument();
  });

  it("says when the server cannot be reached at all", async () => {
    mockApi({
      "GET /api/auth/session": {
        status: 503,
        body: { code: "UNAVAILABLE", message: "The database is not reachable", requestId: "req-db" },
      },
    });
    renderApp("/");
    expect(await screen.findByRole("heading", { name: "Server unavailable", level: 1 })).toBeInTheDocument();
    expect(screen.getByText("The database is not reachable")).toBeInTheDocument();
    expect(screen.getByRole("main")).toBeInTheDocument();
  });
});
