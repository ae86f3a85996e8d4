import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { FLEET, senderAddress, site, sites } from "../../../test/fleet-fixtures";
import { mockApi, sessionFor } from "../../../test/mock-api";
import { renderApp } from "../../../test/render-app";
import { buildSiteTree, formatUtcOffset } from "./site-tree";

const systems = [
  {
    id: "00000000-0000-4000-8000-000000000901",
    serverName: "NYCDP01",
    siteCode: "NYC",
    roles: ["DP"],
    bitsEnabled: true,
    isPatchInfrastructure: true,
  },
  {
    id: "00000000-0000-4000-8000-000000000902",
    serverName: "CENSMS01",
    siteCode: "CEN",
    roles: ["SITE_SERVER", "CAP"],
    isPatchInfrastructure: true,
  },
];

function setup(role: "SMS_ADMIN" | "MANAGER", items = sites) {
  mockApi({
    "GET /api/auth/session": { body: sessionFor(role) },
    [`GET ${FLEET}/sites`]: { body: { items } },
    [`GET ${FLEET}/site-systems`]: { body: { items: items.length ? systems : [] } },
    [`GET ${FLEET}/boundaries`]: { body: { items: [] } },
    [`GET ${FLEET}/sender-addresses`]: { body: { items: [senderAddress()] } },
  });
  return renderApp("/sites?site=NYC");
}

describe("Site hierarchy", () => {
  it("nests primaries under the central site and secondaries under their primary", () => {
    const tree = buildSiteTree([...sites].reverse());
    expect(tree.map((n) => n.site.siteCode)).toEqual(["CEN"]);
    expect(tree[0]!.children.map((n) => n.site.siteCode)).toEqual(["NYC"]);
    expect(tree[0]!.children[0]!.children.map((n) => n.site.siteCode)).toEqual(["MIA"]);
    // An orphan (unknown parent) is shown as a root, not lost.
    expect(buildSiteTree([site({ siteCode: "ZZZ", parentSiteCode: "XXX" })]).map((n) => n.site.siteCode)).toEqual([
      "ZZZ",
    ]);
    expect(formatUtcOffset(-300)).toBe("UTC−05:00");
    expect(formatUtcOffset(345)).toBe("UTC+05:45");
  });

  it("shows servers with role badges and the patch-infrastructure marker, and the selected site's detail", async () => {
    setup("MANAGER");
    await screen.findByRole("heading", { name: "Site hierarchy", level: 1 });
    const nycServers = screen.getByRole("list", { name: "Site systems of NYC" });
    expect(within(nycServers).getByText("NYCDP01")).toBeInTheDocument();
    expect(within(nycServers).getByTitle("Distribution point")).toHaveTextContent("DP");
    expect(within(nycServers).getByText("Patch infra")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: /NYC New York, Primary site/ })).toHaveAttribute("aria-pressed", "true");
    const detail = screen.getByRole("region", { name: "NYC · New York" });
    expect(within(detail).getByText("UTC−05:00 (address schedules use this local time)")).toBeInTheDocument();
    expect(await within(detail).findByRole("link", { name: /NYC → MIA/ })).toBeInTheDocument();
    // Managers read; only SMS administrators get edit controls.
    expect(screen.queryByRole("button", { name: "Add site" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Edit site" })).not.toBeInTheDocument();
  });

  it("says how to fill an empty fleet", async () => {
    setup("SMS_ADMIN", []);
    expect(await screen.findByRole("heading", { name: "No sites yet" })).toBeInTheDocument();
    expect(screen.getByText(/pnpm sim/)).toBeInTheDocument();
    expect(screen.getByText("POST /api/fleets/production/import")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Add site" })).toBeInTheDocument();
  });
});
