import {
  forecastVariantDescriptions,
  forecastVariantLabels,
  type ForecastDeadline,
  type ForecastHoursBand,
  type ForecastResult,
  type ForecastVariant,
} from "@firebreak/domain";
import { Badge, Button, Card, Group, Stack, Table, Text, Title } from "@mantine/core";
import { IconCheck, IconQuestionMark, IconX } from "@tabler/icons-react";
import { ScrollTable } from "../../../components/ui/scroll-table";
import { formatDateTime } from "../../../lib/format";
import { bestVariant, formatHours, formatPct } from "../forecast-view";
import { VariantSwatch } from "./forecast-chart";

/** Met / not met / beyond the horizon, in words and an icon (never colour alone). */
function Verdict({ d, goalPct }: { d: ForecastDeadline; goalPct: number }) {
  const likely = `${Math.round(d.likelihood * 100)} % of runs reach ${goalPct} %`;
  if (d.met === true)
    return (
      <Stack gap={0}>
        <Badge color="green" variant="light" tt="none" leftSection={<IconCheck size={12} aria-hidden />}>
          Met
        </Badge>
        <Text size="xs">{likely}</Text>
      </Stack>
    );
  if (d.met === false)
    return (
      <Stack gap={0}>
        <Badge color="red" variant="light" tt="none" leftSection={<IconX size={12} aria-hidden />}>
          Not met
        </Badge>
        <Text size="xs">
          {d.compliancePct ? `${formatPct(d.compliancePct.p50)} by then; ` : ""}
          {likely}
        </Text>
      </Stack>
    );
  return (
    <Stack gap={0}>
      <Badge color="gray" variant="light" tt="none" leftSection={<IconQuestionMark size={12} aria-hidden />}>
        Beyond the horizon
      </Badge>
      <Text size="xs">{likely}</Text>
    </Stack>
  );
}

/** The median large, the 10th–90th percentile below it. */
function HoursCell({ band }: { band: ForecastHoursBand }) {
  return (
    <Stack gap={0}>
      <Text size="sm" fw={600}>
        {formatHours(band.p50)}
      </Text>
      {band.p50 !== null && band.p10 !== band.p90 ? (
        <Text size="xs">{`${formatHours(band.p10)} – ${formatHours(band.p90)}`}</Text>
      ) : null}
    </Stack>
  );
}

export interface VariantTableProps {
  result: ForecastResult;
  /** Shown when the user may apply and the forecast has an advertisement to apply it to. */
  onApply?: ((variant: ForecastVariant) => void) | undefined;
  /** Why applying is not offered, when it is not. */
  applyNote?: string | undefined;
}

/**
 * The variants side by side: time to 50 / 90 / 95 % (median, with the 10th–90th percentile),
 * compliance at the horizon, whether the release priority's target and maximum are met, the
 * expected misses — and "Apply this variant…".
 */
export function VariantTable({ result, onApply, applyNote }: VariantTableProps) {
  const best = bestVariant(result);
  const first = result.variants[0];
  return (
    <Card withBorder component="section" aria-labelledby="variants-heading">
      <Title order={2} size="h4" id="variants-heading" mb={4}>
        Variants compared
      </Title>
      <Text size="sm" mb="sm">
        {first
          ? `Times are from the start of distribution (median, with the 10th–90th percentile of the runs). Target ${formatDateTime(first.target.at)}, maximum ${formatDateTime(first.max.at)}; a deadline is met when the median run reaches ${result.goalPct} % by then.`
          : "No variant was computed."}
      </Text>
      <ScrollTable minWidth={980} label="Variants compared, table">
        <Table verticalSpacing="xs" aria-labelledby="variants-heading">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Variant</Table.Th>
              <Table.Th scope="col">Time to 50 %</Table.Th>
              <Table.Th scope="col">Time to 90 %</Table.Th>
              <Table.Th scope="col">Time to 95 %</Table.Th>
              <Table.Th scope="col">At the horizon</Table.Th>
              <Table.Th scope="col">Target</Table.Th>
              <Table.Th scope="col">Maximum</Table.Th>
              <Table.Th scope="col">Expected to miss</Table.Th>
              {onApply ? <Table.Th scope="col">Action</Table.Th> : null}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {result.variants.map((v) => (
              <Table.Tr key={v.variant} aria-label={forecastVariantLabels[v.variant]}>
                <Table.Th scope="row" fw={600}>
                  <Group gap={6} wrap="nowrap" align="flex-start">
                    <VariantSwatch variant={v.sameAs ?? v.variant} />
                    <Stack gap={2}>
                      <Text size="sm" fw={700}>
                        {forecastVariantLabels[v.variant]}
                      </Text>
                      {v.variant === best ? (
                        <Badge color="blue.8" variant="filled" tt="none" w="fit-content">
                          Best
                        </Badge>
                      ) : null}
                      <Text size="xs" c="dimmed" fw={400}>
                        {v.sameAs
                          ? `Changes nothing here: same as “${forecastVariantLabels[v.sameAs]}”.`
                          : v.changes.summary.length > 0
                            ? v.changes.summary.join(" ")
                            : forecastVariantDescriptions[v.variant]}
                      </Text>
                    </Stack>
                  </Group>
                </Table.Th>
                <Table.Td>
                  <HoursCell band={v.timeTo.pct50} />
                </Table.Td>
                <Table.Td>
                  <HoursCell band={v.timeTo.pct90} />
                </Table.Td>
                <Table.Td>
                  <HoursCell band={v.timeTo.pct95} />
                </Table.Td>
                <Table.Td>
                  <Stack gap={0}>
                    <Text size="sm" fw={600}>
                      {formatPct(v.final.p50)}
                    </Text>
                    {v.final.p10 !== v.final.p90 ? (
                      <Text size="xs">{`${formatPct(v.final.p10)} – ${formatPct(v.final.p90)}`}</Text>
                    ) : null}
                  </Stack>
                </Table.Td>
                <Table.Td>
                  <Verdict d={v.target} goalPct={result.goalPct} />
                </Table.Td>
                <Table.Td>
                  <Verdict d={v.max} goalPct={result.goalPct} />
                </Table.Td>
                <Table.Td>{`${v.misses.expectedMissed.toLocaleString()} computers`}</Table.Td>
                {onApply ? (
                  <Table.Td>
                    <Button
                      size="xs"
                      variant={v.variant === best ? "filled" : "default"}
                      onClick={() => onApply(v.variant)}
                      aria-label={`Apply “${forecastVariantLabels[v.variant]}”…`}
                    >
                      Apply this variant…
                    </Button>
                  </Table.Td>
                ) : null}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollTable>
      {applyNote ? (
        <Text size="sm" c="dimmed" mt="xs">
          {applyNote}
        </Text>
      ) : null}
    </Card>
  );
}
