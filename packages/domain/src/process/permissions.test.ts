import { describe, expect, it } from "vitest";
import { ROLES } from "../auth/roles.js";
import {
  AUTHORITY_PERMISSIONS,
  canProcess,
  hasEmergencyAuthority,
  processPermissions,
  routeRolesFor,
} from "./permissions.js";

describe("processPermissions", () => {
  it("lists only known roles and never gives ADMIN process rights", () => {
    for (const roles of Object.values(processPermissions)) for (const r of roles) expect(ROLES).toContain(r);
    for (const p of Object.keys(processPermissions) as (keyof typeof processPermissions)[])
      expect(canProcess("ADMIN", p)).toBe(false);
  });

  it("an active grant adds authority permissions to a member or SMS administrator only", () => {
    expect(canProcess("ERT_MEMBER", "confirmEmergencyPriority")).toBe(false);
    expect(canProcess("ERT_MEMBER", "confirmEmergencyPriority", true)).toBe(true);
    expect(canProcess("SMS_ADMIN", "authoriseRollback", true)).toBe(true);
    expect(canProcess("OBSERVER", "confirmEmergencyPriority", true)).toBe(false);
    expect(canProcess("ERT_MEMBER", "grantAuthority", true)).toBe(false);
    expect(canProcess("ERT_MEMBER", "editPriorityPolicy", true)).toBe(false);
    expect(AUTHORITY_PERMISSIONS).not.toContain("grantAuthority");
    expect(hasEmergencyAuthority("ERT_LEAD", false)).toBe(true);
    expect(hasEmergencyAuthority("ERT_MEMBER", true)).toBe(true);
    expect(hasEmergencyAuthority("MANAGER", true)).toBe(false);
  });

  it("routes admit grantee roles for authority permissions; the service checks the grant", () => {
    expect(routeRolesFor("confirmEmergencyPriority")).toEqual(["ERT_LEAD", "ERT_MEMBER", "SMS_ADMIN"]);
    expect(routeRolesFor("grantAuthority")).toEqual(["ERT_LEAD"]);
    expect(routeRolesFor("haltRelease")).toEqual(["ERT_LEAD", "SMS_ADMIN", "ERT_MEMBER"]);
  });
});
