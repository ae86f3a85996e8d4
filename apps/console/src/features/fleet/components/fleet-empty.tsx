import { Code, EmptyState, Text } from "@mantine/core";
import { IconDatabaseImport } from "@tabler/icons-react";
import type { ReactNode } from "react";

/** An empty list of the fleet: says what is missing and how to get it, never a blank table. */
export function FleetEmpty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <EmptyState variant="light" color="gray" icon={<IconDatabaseImport aria-hidden />} my="lg">
      <EmptyState.Title order={2}>{title}</EmptyState.Title>
      <EmptyState.Description>
        {children ?? (
          <Text component="span" size="sm">
            Import a fleet with <Code>pnpm sim</Code> (add <Code>--preset enterprise</Code> for 100,000 computers) or{" "}
            <Code>POST /api/fleets/production/import</Code>.
          </Text>
        )}
      </EmptyState.Description>
    </EmptyState>
  );
}
