import { Alert, Button, Code, Group, Stack, Text } from "@mantine/core";
import { IconShieldCheck, IconShieldX } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { ErrorAlert } from "../../../components/ui/error-alert";
import { formatCount } from "../../../lib/format";
import { auditQueries } from "../audit.queries";

/** Runs GET /api/audit/verify on demand and says whether the hash chain is intact. */
export function VerifyChain() {
  const verify = useQuery({ ...auditQueries.verify(), enabled: false });
  const running = verify.fetchStatus === "fetching";

  return (
    <Stack gap="sm">
      <Group>
        <Button
          variant="default"
          leftSection={<IconShieldCheck size={16} aria-hidden />}
          onClick={() => void verify.refetch()}
          loading={running}
        >
          Verify chain
        </Button>
      </Group>
      <div aria-live="polite">
        {running ? null : verify.isError ? (
          <ErrorAlert error={verify.error} title="Could not verify the chain" />
        ) : verify.data ? (
          verify.data.ok ? (
            <Alert color="green" variant="light" icon={<IconShieldCheck aria-hidden />} title="Chain intact">
              All {formatCount(verify.data.checked)} entries verified: every link and every entry's content match.
            </Alert>
          ) : (
            <Alert color="red" variant="light" icon={<IconShieldX aria-hidden />} title="Chain broken">
              <Text size="sm">
                The first entry that does not verify is <Code>#{verify.data.firstBrokenSeq ?? "unknown"}</Code>
                {` (${formatCount(verify.data.checked)} entries checked).`}
              </Text>
              {verify.data.reason ? <Text size="sm">Reason: {verify.data.reason}</Text> : null}
            </Alert>
          )
        ) : null}
      </div>
    </Stack>
  );
}
