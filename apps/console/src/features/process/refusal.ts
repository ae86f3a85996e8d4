import { GateSchema, gateLabels, type Gate } from "@firebreak/domain";
import { isApiError } from "../../api/client";

export interface Refusal {
  gate: Gate | null;
  title: string;
  message: string;
}

const sentence = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

/**
 * A 409 from the process API in readable parts. The case machine words gate refusals as
 * "G5 Release built and accepted is not met: <what to do>"; other conflicts keep their message.
 */
export function describeRefusal(error: unknown): Refusal | null {
  if (!isApiError(error) || error.status !== 409) return null;
  const match = /^(G\d)\b[^:]*? is not met:\s*([\s\S]*)$/.exec(error.message.trim());
  const gate = match ? GateSchema.safeParse(match[1]) : null;
  if (match && gate?.success) {
    return { gate: gate.data, title: `${gateLabels[gate.data]} is not met`, message: sentence(match[2] ?? "") };
  }
  return { gate: null, title: "Not possible right now", message: error.message };
}
