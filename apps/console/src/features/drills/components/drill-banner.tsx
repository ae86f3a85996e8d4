import { Anchor, Button, Group, Text } from "@mantine/core";
import { IconRun } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useSyncExternalStore } from "react";
import { Link, useNavigate } from "react-router";
import { getActiveDrill, subscribeActiveDrill } from "../../fleet/fleet";
import { switchToDrill } from "../drills.mutations";

export const useActiveDrill = () => useSyncExternalStore(subscribeActiveDrill, getActiveDrill, getActiveDrill);

/**
 * Shown on every screen while the console works on a drill's sandbox fleet: nobody should ever
 * wonder whether a click touches production.
 */
export function DrillBanner() {
  const drill = useActiveDrill();
  const client = useQueryClient();
  const navigate = useNavigate();
  if (!drill) return null;
  const leave = () => {
    switchToDrill(client, null);
    void navigate(`/drills/${drill.drillId}`);
  };
  return (
    <Group
      component="aside"
      aria-label="Drill mode"
      className="drill-banner"
      justify="space-between"
      wrap="wrap"
      gap="xs"
      px="md"
      py={6}
      mb="md"
      bg="yellow.3"
      c="dark.9"
      style={{ borderBottom: "3px dashed var(--mantine-color-dark-9)" }}
    >
      <Group gap="xs" wrap="nowrap">
        <IconRun size={20} aria-hidden />
        <Text fw={700} size="sm">
          DRILL — {drill.title} · sandbox fleet · nothing here touches production
        </Text>
      </Group>
      <Group gap="xs">
        <Anchor component={Link} to={`/drills/${drill.drillId}`} size="sm" c="dark.9" underline="always">
          Drill page
        </Anchor>
        <Button size="compact-sm" variant="filled" color="dark" onClick={leave}>
          Leave drill
        </Button>
      </Group>
    </Group>
  );
}
