import type { CaseSummary, Phase } from "@firebreak/domain";
import { Badge, Button, Group, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import type { KeyboardEvent } from "react";
import { columnDescriptions, groupCasesByPhase, BOARD_PHASES } from "../board";
import { CaseCard } from "./case-card";

/** Arrow keys move between cards: up/down in a column, left/right to the next column with cards. */
function moveFocus(event: KeyboardEvent<HTMLElement>) {
  const target = event.target as HTMLElement;
  if (!target.matches("[data-board-card]")) return;
  const column = Number(target.dataset.column);
  const row = Number(target.dataset.row);
  const cards = [...event.currentTarget.querySelectorAll<HTMLElement>("[data-board-card]")];
  const inColumn = (c: number) => cards.filter((el) => Number(el.dataset.column) === c);
  const columns = [...new Set(cards.map((el) => Number(el.dataset.column)))].sort((a, b) => a - b);
  let next: HTMLElement | undefined;
  switch (event.key) {
    case "ArrowDown":
      next = inColumn(column)[row + 1];
      break;
    case "ArrowUp":
      next = inColumn(column)[row - 1];
      break;
    case "Home":
      next = inColumn(column)[0];
      break;
    case "End":
      next = inColumn(column).at(-1);
      break;
    case "ArrowRight":
    case "ArrowLeft": {
      const i = columns.indexOf(column) + (event.key === "ArrowRight" ? 1 : -1);
      const other = columns[i];
      if (other !== undefined) {
        const list = inColumn(other);
        next = list[Math.min(row, list.length - 1)];
      }
      break;
    }
    default:
      return;
  }
  event.preventDefault();
  next?.focus();
}

/**
 * The triage board: one column per phase, most urgent case first. Phase filter → that column only.
 * Closed cases (Assess) appear when "only open cases" is off.
 */
export function TriageBoard({
  cases,
  now,
  phase,
  openOnly,
  onShowClosed,
}: {
  cases: readonly CaseSummary[];
  now: number;
  phase: Phase | undefined;
  openOnly: boolean;
  onShowClosed: () => void;
}) {
  const columns = groupCasesByPhase(cases, now, phase ? [phase] : BOARD_PHASES);
  return (
    <SimpleGrid
      cols={phase ? 1 : { base: 1, sm: 2, xl: 4 }}
      spacing="md"
      onKeyDown={moveFocus}
      aria-describedby="board-keys"
    >
      {columns.map((column, columnIndex) => {
        const headingId = `column-${column.phase}`;
        return (
          <Stack
            key={column.phase}
            component="section"
            aria-labelledby={headingId}
            gap="sm"
            p="sm"
            bg="var(--mantine-color-gray-0)"
            style={{ borderRadius: "var(--mantine-radius-md)", alignSelf: "start" }}
          >
            <div>
              <Group justify="space-between" gap="xs">
                <Title order={2} size="h4" id={headingId}>
                  {column.title}
                </Title>
                <Badge variant="light" color="gray" aria-label={`${column.cases.length} cases`}>
                  {column.cases.length}
                </Badge>
              </Group>
              <Text size="xs" c="dimmed">
                {columnDescriptions[column.phase]}
              </Text>
            </div>
            {column.cases.length === 0 ? (
              column.phase === "ASSESS" && openOnly ? (
                <Stack gap={6} align="flex-start">
                  <Text size="sm">Closed cases are hidden.</Text>
                  <Button size="xs" variant="default" onClick={onShowClosed}>
                    Show closed cases
                  </Button>
                </Stack>
              ) : (
                <Text size="sm" c="dimmed">
                  No cases here.
                </Text>
              )
            ) : (
              <Stack component="ul" gap="sm" m={0} p={0} style={{ listStyle: "none" }} aria-labelledby={headingId}>
                {column.cases.map((c, row) => (
                  <li key={c.id}>
                    <CaseCard c={c} now={now} column={columnIndex} row={row} />
                  </li>
                ))}
              </Stack>
            )}
          </Stack>
        );
      })}
    </SimpleGrid>
  );
}
