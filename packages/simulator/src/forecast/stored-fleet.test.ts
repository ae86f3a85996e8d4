import { describe, expect, it } from "vitest";
import { generateFleet } from "../presets.js";
import { powerProfileFor, toStoredFleet } from "./stored-fleet.js";

const desktop = { isLaptop: false, connectionProfile: "LAN", isPatchInfrastructure: false, os: "Windows XP" } as const;
const laptop = { ...desktop, isLaptop: true } as const;

describe("power pattern from the stored on-line share", () => {
  it("plays the machine kind's pattern when the share was never measured, not always on", () => {
    expect(powerProfileFor(desktop, null)).toBe("OFFICE_HOURS");
    expect(powerProfileFor(laptop, null)).toBe("LAPTOP_OFFICE");
  });

  it("a measured share picks the pattern", () => {
    expect(powerProfileFor(desktop, 0.9)).toBe("ALWAYS_ON");
    expect(powerProfileFor(desktop, 0.3)).toBe("OFFICE_HOURS");
    expect(powerProfileFor(desktop, 0.05)).not.toBe("OFFICE_HOURS");
  });
});

describe("a generated fleet as the database holds it", () => {
  const fleet = generateFleet({ preset: "demo", seed: 7 });

  it("drops what the database does not store and picks the power pattern from the share", () => {
    const ratios = fleet.computers.map((_, i) => (i === 0 ? 0.9 : null));
    const stored = toStoredFleet(fleet, ratios);
    expect(stored.computers).toHaveLength(fleet.computers.length);
    for (const c of stored.computers) {
      expect(c.linkKbps).toBeUndefined();
      expect(c.currentBoundaryId).toBeUndefined();
      expect(c.power?.offUntil).toBeUndefined();
      expect(c.lastSeenAt).toBeNull();
    }
    expect(stored.computers[0]?.power?.profile).toBe("ALWAYS_ON");
    // The database stores a DP's capacity and a branch DP's content link (site_systems).
    expect(stored.siteSystems.map((s) => [s.contentLinkKbps, s.capacityKbps])).toEqual(
      fleet.siteSystems.map((s) => [s.contentLinkKbps, s.capacityKbps]),
    );
    expect(stored.siteSystems.some((s) => s.contentLinkKbps !== undefined)).toBe(true);
    expect(stored.boundaries.map((b) => b.linkKbps)).toEqual(fleet.boundaries.map((b) => b.linkKbps));
    expect(stored.addresses).toEqual(fleet.addresses);
  });

  it("the generator does set what is dropped, so the reduction is not a no-op", () => {
    expect(fleet.computers.some((c) => c.power?.offUntil || c.currentBoundaryId || c.linkKbps)).toBe(true);
  });
});
