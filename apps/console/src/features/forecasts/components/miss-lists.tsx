import {
  connectionProfileLabels,
  forecastMissReasonDescriptions,
  forecastMissReasonLabels,
  forecastVariantLabels,
  type ForecastMissReason,
  type ForecastResult,
  type ForecastVariant,
} from "@firebreak/domain";
import { Card, Group, List, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { useState } from "react";
import { ScrollTable } from "../../../components/ui/scroll-table";
import { formatHours, formatPct } from "../forecast-view";

const deadlineWords = { TARGET: "the target", MAX: "the maximum", HORIZON: "the end of the forecast" } as const;

function ByReason({ byReason }: { byReason: Partial<Record<ForecastMissReason, number>> }) {
  const rows = (Object.entries(byReason) as [ForecastMissReason, number][]).sort((a, b) => b[1] - a[1]);
  if (rows.length === 0) return null;
  return (
    <List size="sm" spacing={2}>
      {rows.map(([reason, n]) => (
        <List.Item key={reason}>
          <Text span fw={600} size="sm">{`${forecastMissReasonLabels[reason]}: ${n.toLocaleString()}`}</Text>
          <Text span size="sm" c="dimmed">{` — ${forecastMissReasonDescriptions[reason]}`}</Text>
        </List.Item>
      ))}
    </List>
  );
}

/**
 * Per variant, who misses the deadline and why: the sites with their expected misses and the main
 * reason, and the computers that missed in most of the runs that simulated them.
 */
export function MissLists({ result }: { result: ForecastResult }) {
  const [chosen, setChosen] = useState<ForecastVariant>(result.variants[0]?.variant ?? "AS_DRAFTED");
  const v = result.variants.find((x) => x.variant === chosen) ?? result.variants[0];
  if (!v) return null;
  const m = v.misses;
  return (
    <Card withBorder component="section" aria-labelledby="misses-heading">
      <Title order={2} size="h4" id="misses-heading" mb={4}>
        Who misses the deadline, and why
      </Title>
      <Group gap="sm" mb="sm" align="center">
        <Text size="sm" id="misses-variant-label">
          Variant
        </Text>
        <SegmentedControl
          aria-labelledby="misses-variant-label"
          value={v.variant}
          onChange={(x) => setChosen(x as ForecastVariant)}
          data={result.variants.map((x) => ({ value: x.variant, label: forecastVariantLabels[x.variant] }))}
        />
      </Group>
      <Text size="sm" mb="sm" aria-live="polite">
        {m.expectedMissed === 0
          ? `No computer is expected to miss ${deadlineWords[m.deadline]} (after ${formatHours(m.deadlineHours)}) in “${forecastVariantLabels[v.variant]}”.`
          : `In “${forecastVariantLabels[v.variant]}”, about ${m.expectedMissed.toLocaleString()} computers are expected not to have succeeded by ${deadlineWords[m.deadline]} (after ${formatHours(m.deadlineHours)}).`}
      </Text>
      {m.expectedMissed > 0 ? (
        <Stack gap="md">
          <ByReason byReason={m.byReason} />
          <SimpleGrid cols={{ base: 1, xl: 2 }} spacing="md">
            <div>
              <Title order={3} size="h5" mb={4} id="missed-sites-heading">
                {`Sites (${m.sites.total.toLocaleString()}${m.sites.truncated ? `, first ${m.sites.items.length} shown` : ""})`}
              </Title>
              <ScrollTable minWidth={460} maxHeight={360} label="Sites that miss the deadline">
                <Table striped verticalSpacing={4} aria-labelledby="missed-sites-heading">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">Site</Table.Th>
                      <Table.Th scope="col">Targeted</Table.Th>
                      <Table.Th scope="col">Expected to miss</Table.Th>
                      <Table.Th scope="col">Main reason</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {m.sites.items.map((s) => (
                      <Table.Tr key={s.siteCode}>
                        <Table.Td ff="monospace">{s.siteCode}</Table.Td>
                        <Table.Td>{s.targets.toLocaleString()}</Table.Td>
                        <Table.Td>{`${s.expectedMissed.toLocaleString()} (${formatPct(s.missPct)})`}</Table.Td>
                        <Table.Td title={forecastMissReasonDescriptions[s.reason]}>
                          {forecastMissReasonLabels[s.reason]}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </ScrollTable>
            </div>
            <div>
              <Title order={3} size="h5" mb={4} id="missed-computers-heading">
                {`Computers (${m.computers.total.toLocaleString()}${m.computers.truncated ? `, first ${m.computers.items.length} shown` : ""})`}
              </Title>
              <ScrollTable minWidth={520} maxHeight={360} label="Computers that miss the deadline">
                <Table striped verticalSpacing={4} aria-labelledby="missed-computers-heading">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">Computer</Table.Th>
                      <Table.Th scope="col">Site</Table.Th>
                      <Table.Th scope="col">Link</Table.Th>
                      <Table.Th scope="col">Reason</Table.Th>
                      <Table.Th scope="col">Missed in</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {m.computers.items.map((c) => (
                      <Table.Tr key={c.resourceId}>
                        <Table.Td ff="monospace">{c.name}</Table.Td>
                        <Table.Td ff="monospace">{c.siteCode}</Table.Td>
                        <Table.Td>{connectionProfileLabels[c.connectionProfile]}</Table.Td>
                        <Table.Td title={forecastMissReasonDescriptions[c.reason]}>
                          {forecastMissReasonLabels[c.reason]}
                        </Table.Td>
                        <Table.Td>{`${c.missedRuns} of ${c.runs} runs`}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </ScrollTable>
            </div>
          </SimpleGrid>
        </Stack>
      ) : null}
    </Card>
  );
}
