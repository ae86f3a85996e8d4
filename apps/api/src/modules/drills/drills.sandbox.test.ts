import { describe, expect, it } from "vitest";
import type { Package } from "@firebreak/domain";
import { releaseUpdateOf, type SandboxEvent } from "./drills.sandbox.js";

const pkg = (packageId: string, updateIds: string[], kind: Package["kind"] = "DEPLOY") =>
  ({ packageId, updateIds, kind }) as Package;
const built = (p: Package): SandboxEvent => ({ kind: "PACKAGE", atMs: 0, package: p, dpStoredVersions: {} });

describe("the release a drill measures", () => {
  it("is the scenario's update, unless the team built its release for another one", () => {
    expect(releaseUpdateOf({ events: [] }, "KB835732")).toBe("KB835732");
    expect(releaseUpdateOf({ events: [built(pkg("CEN0D001", ["KB835732"]))] }, "KB835732")).toBe("KB835732");
    // A team that recorded the bulletin under another KB is still measured on what it deploys.
    expect(
      releaseUpdateOf(
        { events: [built(pkg("CEN0R001", ["KB999999"], "ROLLBACK")), built(pkg("CEN0D001", ["KB9123456"]))] },
        "KB835732",
      ),
    ).toBe("KB9123456");
  });
});
