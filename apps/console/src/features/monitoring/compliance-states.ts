import type { ComplianceState } from "@firebreak/domain";

/**
 * Words for the compliance states of a computer × update (domain.md §8.2). The domain package has the
 * states but no labels yet; when it gains `complianceStateLabels`, use those instead.
 */
export const complianceStateLabels: Record<ComplianceState, string> = {
  NOT_APPLICABLE: "Not applicable",
  REQUIRED: "Required (not installed yet)",
  INSTALLED: "Installed",
  INSTALLED_PENDING_REBOOT: "Installed, pending reboot",
  FAILED: "Failed",
  ROLLED_BACK: "Rolled back",
  UNKNOWN: "Unknown",
};
