import { ROLES } from "@firebreak/domain";
import { describe, expect, it } from "vitest";
import { NAV_ITEMS, navItemsFor } from "./navigation";

const labels = (role: Parameters<typeof navItemsFor>[0]) => navItemsFor(role).map((item) => item.label);

describe("navItemsFor", () => {
  it("shows an administrator only what the permissions table allows", () => {
    expect(labels("ADMIN")).toEqual(["Audit", "Admin"]);
  });

  it("shows operations areas and audit to an ERT lead, but not Admin", () => {
    expect(labels("ERT_LEAD")).toEqual([
      "Triage",
      "Emergencies",
      "Out-of-band tasks",
      "Deployments",
      "Rollbacks",
      "Sites & senders",
      "Drills",
      "Audit",
    ]);
  });

  it("hides Audit from roles that may not read it", () => {
    expect(labels("ERT_MEMBER")).not.toContain("Audit");
    expect(labels("SMS_ADMIN")).not.toContain("Audit");
  });

  it("gives an observer read access to audit and operations, never Admin", () => {
    expect(labels("OBSERVER")).toContain("Audit");
    expect(labels("OBSERVER")).not.toContain("Admin");
  });

  it("shows nothing without a role", () => {
    expect(navItemsFor(null)).toEqual([]);
  });

  it("lists every area for at least one role", () => {
    for (const item of NAV_ITEMS) expect(ROLES.some((role) => navItemsFor(role).includes(item))).toBe(true);
  });
});
