import { z } from "zod";

/**
 * The four phases of the patch management process and its gates (domain.md §2.1, §2.8).
 * Phase is an attribute of an update case, never a global state: many cases run at once.
 */

export const PHASES = ["ASSESS", "IDENTIFY", "EVALUATE_PLAN", "DEPLOY"] as const;
export const PhaseSchema = z.enum(PHASES);
export type Phase = z.infer<typeof PhaseSchema>;

export const phaseLabels: Record<Phase, string> = {
  ASSESS: "Assess",
  IDENTIFY: "Identify",
  EVALUATE_PLAN: "Evaluate & Plan",
  DEPLOY: "Deploy",
};

/** Gates and hand-offs (domain.md §2.8). */
export const GATES = ["G0", "G1", "G2", "G3", "G4", "G5", "G6", "G7"] as const;
export const GateSchema = z.enum(GATES);
export type Gate = z.infer<typeof GateSchema>;

export const gateLabels: Record<Gate, string> = {
  G0: "G0 Alert received",
  G1: "G1 Relevance decided",
  G2: "G2 Source verified",
  G3: "G3 RFC submitted",
  G4: "G4 Priority confirmed",
  G5: "G5 Release built and accepted",
  G6: "G6 Deployed",
  G7: "G7 Reviewed",
};

export const gateDescriptions: Record<Gate, string> = {
  G0: "A notification about a new update moved the case from Assess into Identify.",
  G1: "The update applies to our estate; otherwise the case closes.",
  G2: "The source files were obtained and checked: genuine, virus-free, install cleanly.",
  G3: "An RFC with an initial release priority and category hands the case to Evaluate & Plan.",
  G4: "A named person accepted or changed the priority and category, with the reasons.",
  G5: "The release is built and passed acceptance testing (core functionality only under an Emergency).",
  G6: "The deployment reached its targets.",
  G7: "The post-implementation review is written and the RFC is closed.",
};
