import type { ReleaseHaltView } from "@firebreak/domain";
import { caseStateLabels } from "@firebreak/domain";
import { Alert, Anchor, Group, Stack, Text } from "@mantine/core";
import { IconHandStop } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { formatDateTime } from "../../../lib/format";
import { haltQueries } from "../halts.queries";

/** One automatic halt in force: the rule's sentence, the deployment, and the cases it halted. */
function AutomaticHalt({ halt }: { halt: ReleaseHaltView }) {
  return (
    <div>
      <Text size="sm" fw={700}>
        <time dateTime={halt.haltedAt}>{formatDateTime(halt.haltedAt)}</time>
        {`: ${halt.automaticRule ?? halt.reason}`}
      </Text>
      <Group gap="md" wrap="wrap">
        <Anchor component={Link} to={`/deployments/${encodeURIComponent(halt.advertisementId)}`} size="sm">
          {`Open the deployment monitor of ${halt.advertisementId}`}
        </Anchor>
        {halt.cases.map((c) => (
          <Anchor key={c.id} component={Link} to={`/triage/cases/${c.id}`} size="sm">
            {`Case ${c.kbNumber} (${caseStateLabels[c.status]})`}
          </Anchor>
        ))}
        {halt.cases.length === 0 ? (
          <Text span size="sm">
            No case deploys it: resume it from its deployment monitor.
          </Text>
        ) : null}
      </Group>
    </div>
  );
}

/**
 * Automatic halt rules whose halt is still in force anywhere in the emergency's fleet, at the top
 * of the war room — whatever case or emergency they belong to, and gone once the halt is resumed.
 * The timeline keeps the history (HALT_RULE_FIRED).
 */
export function HaltAlerts({ fleetId }: { fleetId: string }) {
  const halts = useQuery(haltQueries.inForce(fleetId));
  const fired = (halts.data?.items ?? []).filter((h) => h.automaticRule !== null);
  if (fired.length === 0) return null;
  return (
    <Alert
      color="red"
      variant="light"
      role="alert"
      styles={{
        root: { borderWidth: 2, borderStyle: "solid", borderColor: "var(--mantine-color-red-7)" },
        title: { fontSize: "var(--mantine-font-size-md)" },
      }}
      icon={<IconHandStop aria-hidden />}
      title={
        fired.length === 1
          ? "An automatic halt rule halted a deployment"
          : `Automatic halt rules halted ${fired.length} deployments`
      }
    >
      <Stack gap="xs">
        {fired.map((h) => (
          <AutomaticHalt key={h.id} halt={h} />
        ))}
        <Text size="sm">
          The program is disabled until the halt is resumed. Review the failures, then resume the case (ERT lead or an
          emergency-authority grant) or start a rollback; re-arm the rule on the advertisement afterwards.
        </Text>
      </Stack>
    </Alert>
  );
}
