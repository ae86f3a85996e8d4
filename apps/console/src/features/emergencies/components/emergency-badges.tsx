import { emergencyStateLabels, emergencyTypeLabels, type EmergencyState, type EmergencyType } from "@firebreak/domain";
import { Badge } from "@mantine/core";

const stateColor: Record<EmergencyState, string> = { DECLARED: "red", ACTIVE: "red", CLOSED: "gray" };

export function EmergencyStateBadge({ state }: { state: EmergencyState }) {
  return (
    <Badge color={stateColor[state]} variant={state === "CLOSED" ? "light" : "filled"} tt="none">
      {emergencyStateLabels[state]}
    </Badge>
  );
}

export function EmergencyTypeBadge({ type }: { type: EmergencyType }) {
  return (
    <Badge color="dark" variant="outline" tt="none">
      {emergencyTypeLabels[type]}
    </Badge>
  );
}
