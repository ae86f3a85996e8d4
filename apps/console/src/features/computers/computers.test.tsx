import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { collection, computer, FLEET, sites } from "../../../test/fleet-fixtures";
import { mockApi, sessionFor, type RecordedCall } from "../../../test/mock-api";
import { renderApp } from "../../../test/render-app";
import { computerApiQuery, computerSearchFrom, parseComputerSearch, toggleSort } from "./computers.search-params";

describe("computers search params", () => {
  it("maps URL filters to the API's query names and back", () => {
    const filters = parseComputerSearch(
      new URLSearchParams(
        "search=lt0&site=nyc&profile=DIALUP&client=ADVANCED&laptop=true&infra=false&collection=CEN00010&sort=lastSeenAt&order=desc&page=3&pageSize=500",
      ),
    );
    expect(computerApiQuery(filters)).toEqual({
      page: 3,
      pageSize: 500,
      sort: "lastSeenAt",
      order: "desc",
      search: "lt0",
      siteCode: "NYC",
      connectionProfile: "DIALUP",
      clientType: "ADVANCED",
      isLaptop: "true",
      isPatchInfrastructure: "false",
      collectionId: "CEN00010",
    });
    expect(computerSearchFrom(filters).toString()).toBe(
      "search=lt0&site=NYC&profile=DIALUP&client=ADVANCED&laptop=true&infra=false&collection=CEN00010&sort=lastSeenAt&order=desc&page=3&pageSize=500",
    );
  });

  it("drops invalid values instead of sending them (page sizes are capped at 500)", () => {
    const filters = parseComputerSearch(
      new URLSearchParams("profile=MODEM&laptop=yes&sort=ram&order=up&page=0&pageSize=100000&site=TOOLONG"),
    );
    expect(filters).toEqual({ sort: "name", order: "asc", page: 1, pageSize: 100 });
    expect(computerSearchFrom(filters).toString()).toBe("");
  });

  it("toggles the order on the same column and starts a new column ascending, on page 1", () => {
    const f = parseComputerSearch(new URLSearchParams("sort=name&page=4"));
    expect(toggleSort(f, "name")).toMatchObject({ sort: "name", order: "desc", page: 1 });
    expect(toggleSort({ ...f, order: "desc" }, "name")).toMatchObject({ order: "asc" });
    expect(toggleSort(f, "os")).toMatchObject({ sort: "os", order: "asc" });
  });
});

describe("Computers table", () => {
  function setup(url: string) {
    const api = mockApi({
      "GET /api/auth/session": { body: sessionFor("ERT_MEMBER") },
      [`GET ${FLEET}/sites`]: { body: { items: sites } },
      [`GET ${FLEET}/collections`]: { body: { items: [collection()] } },
      [`GET ${FLEET}/computers`]: (call: RecordedCall) => {
        const pageSize = Number(call.search.get("pageSize"));
        const page = Number(call.search.get("page"));
        return {
          body: {
            items: Array.from({ length: pageSize }, (_, i) => computer((page - 1) * pageSize + i + 1)),
            page,
            pageSize,
            total: 100_000,
          },
        };
      },
    });
    return { api, ...renderApp(url) };
  }

  it("sends the URL's filters and sort to the API and marks the sorted column with aria-sort", async () => {
    const { api } = setup("/sites/computers?site=NYC&laptop=false&sort=lastSeenAt&order=desc&pageSize=500");
    await screen.findByRole("heading", { name: "Computers", level: 1 });
    expect(await screen.findByText("100,000 computers match")).toBeInTheDocument();
    const call = api.callsTo("GET", `${FLEET}/computers`)[0]!;
    expect(Object.fromEntries(call.search)).toEqual({
      page: "1",
      pageSize: "500",
      sort: "lastSeenAt",
      order: "desc",
      siteCode: "NYC",
      isLaptop: "false",
    });

    const table = screen.getByRole("table");
    expect(within(table).getByRole("columnheader", { name: /Last seen/ })).toHaveAttribute("aria-sort", "descending");
    expect(within(table).getByRole("columnheader", { name: /^Name/ })).toHaveAttribute("aria-sort", "none");
    expect(within(table).getByRole("columnheader", { name: "Client" })).not.toHaveAttribute("aria-sort");
    expect(table).toHaveAttribute("aria-rowcount", "100001");
    // A window of the 500 rows is in the DOM, not all of them.
    const rows = within(table)
      .getAllByRole("row")
      .filter((r) => r.hasAttribute("aria-rowindex") && r.getAttribute("aria-rowindex") !== "1");
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(60);
    expect(rows[0]).toHaveAttribute("aria-rowindex", "2");
  });

  it("sorts from the keyboard through the header buttons", async () => {
    const { api, user } = setup("/sites/computers?sort=lastSeenAt&order=desc");
    await screen.findByText("100,000 computers");
    const nameButton = within(screen.getByRole("columnheader", { name: /^Name/ })).getByRole("button", {
      name: /Name/,
    });
    nameButton.focus();
    await user.keyboard("{Enter}");
    await waitFor(() =>
      expect(screen.getByRole("columnheader", { name: /^Name/ })).toHaveAttribute("aria-sort", "ascending"),
    );
    expect(screen.getByRole("columnheader", { name: /Last seen/ })).toHaveAttribute("aria-sort", "none");
    await waitFor(() => expect(api.callsTo("GET", `${FLEET}/computers`).at(-1)?.search.get("sort")).toBe("name"));
    expect(api.callsTo("GET", `${FLEET}/computers`).at(-1)?.search.get("order")).toBe("asc");

    await user.keyboard("{Enter}");
    await waitFor(() =>
      expect(screen.getByRole("columnheader", { name: /^Name/ })).toHaveAttribute("aria-sort", "descending"),
    );
  });

  it("filters through the URL and resets to page 1", async () => {
    const { api, user, router } = setup("/sites/computers?page=3");
    await screen.findByText("100,000 computers");
    await user.click(screen.getByRole("combobox", { name: "Connection" }));
    await user.click(await screen.findByRole("option", { name: "Dial-up" }));
    await waitFor(() => expect(router.state.location.search).toBe("?profile=DIALUP"));
    await waitFor(() =>
      expect(api.callsTo("GET", `${FLEET}/computers`).at(-1)?.search.get("connectionProfile")).toBe("DIALUP"),
    );
    expect(api.callsTo("GET", `${FLEET}/computers`).at(-1)?.search.get("page")).toBe("1");
  });
});
