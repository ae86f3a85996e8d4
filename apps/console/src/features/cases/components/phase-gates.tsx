import type { ReactNode } from "react";
import { phaseLabels, phaseOfState, type CaseDetail, type Phase } from "@firebreak/domain";
import { Badge, Group, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { IconCircleCheckFilled, IconCircleDashed, IconCircleMinus } from "@tabler/icons-react";
import { caseGates, gatesByPhase, type GateState } from "../case-gates";

const PHASE_ORDER: readonly Phase[] = ["IDENTIFY", "EVALUATE_PLAN", "DEPLOY", "ASSESS"];

const gateLook: Record<GateState, { icon: ReactNode; word: string }> = {
  MET: { icon: <IconCircleCheckFilled size={18} color="var(--mantine-color-green-8)" aria-hidden />, word: "met" },
  NOT_MET: { icon: <IconCircleDashed size={18} color="var(--mantine-color-gray-6)" aria-hidden />, word: "not met" },
  NOT_REACHED: {
    icon: <IconCircleMinus size={18} color="var(--mantine-color-gray-6)" aria-hidden />,
    word: "not reached",
  },
};

/**
 * The four phases in order, the current one marked, each with the gates decided in it and whether
 * they are met. Words carry the meaning; icons and colour repeat it.
 */
export function PhaseGates({ caseDetail }: { caseDetail: CaseDetail }) {
  const current = phaseOfState[caseDetail.status];
  const currentIndex = PHASE_ORDER.indexOf(current);
  const gates = new Map(caseGates(caseDetail).map((g) => [g.gate, g]));
  return (
    <section aria-labelledby="phases-heading">
      <Title order={2} size="h4" id="phases-heading" mb="sm">
        Phases and gates
      </Title>
      <SimpleGrid
        cols={{ base: 1, sm: 2, lg: 4 }}
        spacing="sm"
        component="ol"
        m={0}
        p={0}
        style={{ listStyle: "none" }}
      >
        {PHASE_ORDER.map((phase, i) => {
          const isCurrent = phase === current;
          const done = i < currentIndex;
          return (
            <Paper
              key={phase}
              component="li"
              withBorder
              p="sm"
              radius="md"
              aria-current={isCurrent ? "step" : undefined}
              style={
                isCurrent
                  ? {
                      borderColor: "var(--mantine-color-indigo-7)",
                      borderWidth: 2,
                      background: "var(--mantine-color-indigo-0)",
                    }
                  : undefined
              }
            >
              <Group justify="space-between" gap={4} mb={6}>
                <Text fw={700}>
                  {i + 1}. {phaseLabels[phase]}
                </Text>
                {isCurrent ? (
                  <Badge size="sm" color="indigo" variant="filled" tt="none">
                    Current phase
                  </Badge>
                ) : done ? (
                  <Badge size="sm" color="green" variant="light" tt="none">
                    Done
                  </Badge>
                ) : null}
              </Group>
              {gatesByPhase[phase].length === 0 ? (
                <Text size="xs" c="dimmed">
                  {phase === "ASSESS"
                    ? "A closed case's lessons go back into assessing the estate."
                    : "No gate in this phase."}
                </Text>
              ) : (
                <Stack gap={6} component="ul" m={0} p={0} style={{ listStyle: "none" }}>
                  {gatesByPhase[phase].map((g) => {
                    const view = gates.get(g);
                    if (!view) return null;
                    const look = gateLook[view.state];
                    return (
                      <Group key={g} component="li" gap={6} wrap="nowrap" align="flex-start">
                        {look.icon}
                        <div>
                          <Text size="sm" fw={600}>
                            {view.label}
                            <Text span size="xs" fw={400} c="dimmed">
                              {` — ${look.word}`}
                            </Text>
                          </Text>
                          <Text size="xs" c="dimmed">
                            {view.detail}
                          </Text>
                        </div>
                      </Group>
                    );
                  })}
                </Stack>
              )}
            </Paper>
          );
        })}
      </SimpleGrid>
    </section>
  );
}
