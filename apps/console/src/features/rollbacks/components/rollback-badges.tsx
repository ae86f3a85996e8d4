import { rollbackStateDescriptions, rollbackStateLabels, type RollbackState } from "@firebreak/domain";
import { Badge, Tooltip, type BadgeProps } from "@mantine/core";

const stateColor: Partial<Record<RollbackState, string>> = {
  REQUESTED: "grape",
  NOT_FEASIBLE: "red",
  ALT_RECOVERY: "orange",
  HALTED: "red",
  DEPLOYING: "blue",
  PARTIAL: "orange",
  COMPLETED: "green",
  REVIEWED: "green",
  CLOSED: "gray",
  CANCELLED: "gray",
};

/** Where the rollback stands, in words (the colour only repeats it). */
export function RollbackStateBadge({ status, size = "md" }: { status: RollbackState; size?: BadgeProps["size"] }) {
  return (
    <Tooltip label={rollbackStateDescriptions[status]} multiline w={280} withArrow>
      <Badge size={size} tt="none" variant="light" color={stateColor[status] ?? "indigo"}>
        {`Rollback: ${rollbackStateLabels[status]}`}
      </Badge>
    </Tooltip>
  );
}
