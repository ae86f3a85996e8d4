import { rollbackSteps, type RollbackRecord, type RollbackStepStatus } from "@firebreak/domain";
import { Group, Paper, SimpleGrid, Text, Title } from "@mantine/core";
import {
  IconCircleCheckFilled,
  IconCircleDashed,
  IconCircleDot,
  IconCircleMinus,
  IconCircleX,
} from "@tabler/icons-react";
import type { ReactNode } from "react";

const look: Record<RollbackStepStatus, { icon: ReactNode; word: string }> = {
  done: { icon: <IconCircleCheckFilled size={18} color="var(--mantine-color-green-8)" aria-hidden />, word: "Done" },
  current: {
    icon: <IconCircleDot size={18} color="var(--mantine-color-indigo-7)" aria-hidden />,
    word: "Current step",
  },
  todo: { icon: <IconCircleDashed size={18} color="var(--mantine-color-gray-6)" aria-hidden />, word: "To do" },
  stopped: { icon: <IconCircleX size={18} color="var(--mantine-color-red-8)" aria-hidden />, word: "Stopped here" },
  skipped: { icon: <IconCircleMinus size={18} color="var(--mantine-color-gray-6)" aria-hidden />, word: "Not needed" },
};

/**
 * The rollback workflow in order, each step done, current, to do, stopped or not needed — in
 * words; icon and colour only repeat it. The current (or stopping) step is `aria-current="step"`.
 */
export function RollbackStepper({ record }: { record: RollbackRecord }) {
  const steps = rollbackSteps(record);
  return (
    <section aria-labelledby="rollback-steps-heading">
      <Title order={2} size="h4" id="rollback-steps-heading" mb="sm">
        Workflow
      </Title>
      <SimpleGrid
        cols={{ base: 2, sm: 5 }}
        spacing="xs"
        component="ol"
        m={0}
        p={0}
        style={{ listStyle: "none" }}
        aria-label="Rollback workflow"
      >
        {steps.map((s, i) => {
          const active = s.status === "current" || s.status === "stopped";
          return (
            <Paper
              key={s.step}
              component="li"
              withBorder
              p="xs"
              radius="md"
              aria-current={active ? "step" : undefined}
              style={
                active
                  ? {
                      borderColor: `var(--mantine-color-${s.status === "stopped" ? "red" : "indigo"}-7)`,
                      borderWidth: 2,
                    }
                  : undefined
              }
            >
              <Group gap={6} wrap="nowrap" align="flex-start">
                {look[s.status].icon}
                <div>
                  <Text size="sm" fw={active ? 700 : 500}>
                    {`${i + 1}. ${s.label}`}
                  </Text>
                  <Text size="xs" c={active ? undefined : "dimmed"}>
                    {look[s.status].word}
                  </Text>
                </div>
              </Group>
            </Paper>
          );
        })}
      </SimpleGrid>
    </section>
  );
}
