import { Badge, Card, Group, Title } from "@mantine/core";
import type { ReactNode } from "react";

/** One step's panel: a titled region, outlined when it is the step to do now. */
export function SectionCard({
  id,
  title,
  current = false,
  done = false,
  children,
}: {
  id: string;
  title: string;
  current?: boolean;
  done?: boolean;
  children: ReactNode;
}) {
  return (
    <Card
      withBorder
      component="section"
      aria-labelledby={`${id}-heading`}
      style={current ? { borderColor: "var(--mantine-color-indigo-7)", borderWidth: 2 } : undefined}
    >
      <Group justify="space-between" mb="sm" gap="xs">
        <Title order={2} size="h4" id={`${id}-heading`}>
          {title}
        </Title>
        {current ? (
          <Badge color="indigo" variant="filled" tt="none">
            Do this now
          </Badge>
        ) : done ? (
          <Badge color="green" variant="light" tt="none">
            Done
          </Badge>
        ) : null}
      </Group>
      {children}
    </Card>
  );
}
