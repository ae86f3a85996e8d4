import {
  CreateAcceptanceTestBodySchema,
  RecordTestResultBodySchema,
  summarizeTests,
  TEST_SCOPES,
  testResultLabels,
  testScopeLabels,
  type AcceptanceTestRecord,
  type CaseDetail,
  type TestResult,
  type TestScope,
} from "@firebreak/domain";
import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Modal,
  Radio,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { ScrollTable } from "../../../components/ui/scroll-table";
import { notifications } from "@mantine/notifications";
import {
  IconAlertOctagon,
  IconCircleCheck,
  IconClock,
  IconPlayerSkipForward,
  IconPlus,
  IconX,
} from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { formatDateTime } from "../../../lib/format";
import { useSchemaForm } from "../../../lib/use-schema-form";
import { ProcessErrorAlert } from "../../process/components/refusal-alert";
import { useProcessAccess } from "../../process/process-access";
import { useAddTest, useRecordTestResult } from "../cases.mutations";
import { caseKeys } from "../cases.queries";

const resultLook: Record<TestResult, { color: string; icon: ReactNode }> = {
  PENDING: { color: "gray", icon: <IconClock size={12} aria-hidden /> },
  PASSED: { color: "green", icon: <IconCircleCheck size={12} aria-hidden /> },
  FAILED: { color: "red", icon: <IconX size={12} aria-hidden /> },
  SKIPPED: { color: "yellow", icon: <IconPlayerSkipForward size={12} aria-hidden /> },
};

const DEPLOY_STATES = new Set(["DEPLOYING", "HALTED", "DEPLOYED", "ROLLING_BACK", "ROLLED_BACK", "REVIEWED"]);

function ResultBadge({ result }: { result: TestResult }) {
  const look = resultLook[result];
  return (
    <Badge color={look.color} variant={result === "FAILED" ? "filled" : "light"} leftSection={look.icon} tt="none">
      {testResultLabels[result]}
    </Badge>
  );
}

function AddTestForm({ caseId }: { caseId: string }) {
  const add = useAddTest();
  const { attachForm, ...form } = useSchemaForm({
    schema: CreateAcceptanceTestBodySchema,
    initialValues: { name: "", scope: "CORE" as TestScope },
  });
  return (
    <form
      ref={attachForm}
      noValidate
      aria-label="Add an acceptance test"
      onSubmit={form.handleSubmit((body) =>
        add.mutate(
          { caseId, body },
          {
            onSuccess: () => {
              form.reset();
              notifications.show({ color: "green", title: "Test added", message: body.name });
            },
          },
        ),
      )}
    >
      <Group align="flex-start" gap="sm" wrap="wrap">
        <TextInput
          label="New test"
          placeholder="e.g. Logon, file and print work"
          value={form.values.name}
          onChange={(e) => form.setField("name", e.currentTarget.value)}
          error={form.errors.name}
          style={{ flex: 1, minWidth: 220 }}
        />
        <Select
          label="Scope"
          data={TEST_SCOPES.map((s) => ({ value: s, label: testScopeLabels[s] }))}
          value={form.values.scope}
          allowDeselect={false}
          onChange={(v) => v && form.setField("scope", v as TestScope)}
          error={form.errors.scope}
          w={200}
        />
        <Button type="submit" mt={25} leftSection={<IconPlus size={14} aria-hidden />} loading={add.isPending}>
          Add test
        </Button>
      </Group>
      {add.error ? (
        <Stack mt="sm">
          <ProcessErrorAlert error={add.error} title="The test was not added" onReload={() => add.reset()} />
        </Stack>
      ) : null}
    </form>
  );
}

function RecordResultModal({
  caseId,
  test,
  onClose,
}: {
  caseId: string;
  test: AcceptanceTestRecord;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const record = useRecordTestResult();
  const { attachForm, ...form } = useSchemaForm({
    schema: RecordTestResultBodySchema,
    initialValues: { result: "" as string, notes: "", skipReason: "" },
    toInput: (v) => ({
      result: v.result || undefined,
      notes: v.notes.trim() ? v.notes : undefined,
      skipReason: v.result === "SKIPPED" ? v.skipReason : undefined,
    }),
  });
  return (
    <Modal opened onClose={onClose} title={`Record the result: ${test.name}`} size="lg">
      <form
        ref={attachForm}
        noValidate
        aria-label={`Record the result of ${test.name}`}
        onSubmit={form.handleSubmit((body) =>
          record.mutate(
            { caseId, test, body },
            {
              onSuccess: () => {
                notifications.show({
                  color: "green",
                  title: "Result recorded",
                  message: `${test.name}: ${testResultLabels[body.result].toLowerCase()}`,
                });
                onClose();
              },
            },
          ),
        )}
      >
        <Stack gap="md">
          <Text size="sm">
            {testScopeLabels[test.scope]} test.{" "}
            {test.scope === "CORE" ? "Core-functionality tests cannot be skipped." : ""}
          </Text>
          <Radio.Group
            label="Result"
            required
            value={form.values.result}
            onChange={(v) => form.setField("result", v)}
            error={form.errors.result}
          >
            <Group mt={6}>
              <Radio value="PASSED" label="Passed" data-autofocus />
              <Radio value="FAILED" label="Failed" />
              <Radio value="SKIPPED" label="Skipped" disabled={test.scope === "CORE"} />
            </Group>
          </Radio.Group>
          {form.values.result === "SKIPPED" ? (
            <Textarea
              label="Why it is skipped"
              required
              autosize
              minRows={2}
              value={form.values.skipReason}
              onChange={(e) => form.setField("skipReason", e.currentTarget.value)}
              error={form.errors.skipReason}
            />
          ) : null}
          <Textarea
            label="Notes"
            autosize
            minRows={2}
            value={form.values.notes}
            onChange={(e) => form.setField("notes", e.currentTarget.value)}
            error={form.errors.notes}
          />
          {record.error ? (
            <ProcessErrorAlert
              error={record.error}
              title="The result was not recorded"
              onReload={() => {
                record.reset();
                onClose();
                void queryClient.invalidateQueries({ queryKey: caseKeys.detail(caseId) });
              }}
            />
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={record.isPending}>
              Record result
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/**
 * Acceptance tests (CORE / FULL): results, who ran them, alerts for failures after deployment
 * started, and the tests still open — which stay visible through and after deployment.
 */
export function AcceptanceTests({ caseDetail }: { caseDetail: CaseDetail }) {
  const access = useProcessAccess();
  const canWork = access.can("workRelease");
  const [recording, setRecording] = useState<AcceptanceTestRecord | null>(null);
  const tests = caseDetail.tests;
  const summary = summarizeTests(tests);
  const open = tests.filter((t) => t.result === "PENDING");
  const acceptance = caseDetail.record.reducedTestingAcceptance;
  const inDeploy = DEPLOY_STATES.has(caseDetail.status);
  const closed = caseDetail.status === "CLOSED" || caseDetail.status === "NOT_RELEVANT";

  return (
    <Card withBorder component="section" aria-labelledby="tests-heading">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4" id="tests-heading">
          Acceptance tests
        </Title>
        <Text size="sm" c="dimmed">
          {`Core: ${summary.CORE.PASSED} of ${summary.CORE.PASSED + summary.CORE.PENDING + summary.CORE.FAILED + summary.CORE.SKIPPED} passed · Full suite: ${summary.FULL.PASSED} of ${summary.FULL.PASSED + summary.FULL.PENDING + summary.FULL.FAILED + summary.FULL.SKIPPED} passed`}
        </Text>
      </Group>
      <Stack gap="sm">
        {caseDetail.alerts.map((alert) => (
          <Alert
            key={alert}
            color="red"
            variant="light"
            title="Test failed after deployment started"
            icon={<IconAlertOctagon aria-hidden />}
          >
            {alert}: decide whether to halt the deployment and roll back.
          </Alert>
        ))}
        {open.length > 0 && (inDeploy || acceptance) ? (
          <Alert color="yellow" variant="light" title={`${open.length} test${open.length === 1 ? "" : "s"} still open`}>
            Testing continues through and after deployment.
            {acceptance
              ? ` The risk of deploying before the full suite ran was accepted on ${formatDateTime(acceptance.acceptedAt)}: “${acceptance.rationale}”.`
              : ""}
          </Alert>
        ) : null}
        {tests.length === 0 ? (
          <Text size="sm" c="dimmed">
            No acceptance test yet. Add core-functionality tests first: under an Emergency, they are the ones that gate
            the release.
          </Text>
        ) : (
          <ScrollTable minWidth={640} label="Acceptance tests">
            <Table striped verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Test</Table.Th>
                  <Table.Th scope="col">Scope</Table.Th>
                  <Table.Th scope="col">Result</Table.Th>
                  <Table.Th scope="col">Run</Table.Th>
                  <Table.Th scope="col">Notes</Table.Th>
                  {canWork && !closed ? (
                    <Table.Th scope="col">
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  ) : null}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {tests.map((t) => (
                  <Table.Tr key={t.id}>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {t.name}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge variant={t.scope === "CORE" ? "filled" : "outline"} color="indigo" tt="none" size="sm">
                        {testScopeLabels[t.scope]}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <ResultBadge result={t.result} />
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs">
                        {t.executedAt
                          ? `${formatDateTime(t.executedAt)}${t.executedBy ? ` by ${t.executedBy}` : ""}`
                          : "Not run yet"}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs">{t.skipReason ? `Skipped: ${t.skipReason}` : (t.notes ?? "")}</Text>
                    </Table.Td>
                    {canWork && !closed ? (
                      <Table.Td>
                        <Button
                          size="compact-sm"
                          variant="default"
                          onClick={() => setRecording(t)}
                          aria-label={`${t.result === "PENDING" ? "Record result" : "Record again"} for ${t.name}`}
                        >
                          {t.result === "PENDING" ? "Record result" : "Record again"}
                        </Button>
                      </Table.Td>
                    ) : null}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollTable>
        )}
        {canWork && !closed ? (
          <AddTestForm caseId={caseDetail.id} />
        ) : closed ? null : (
          <Text size="xs" c="dimmed">
            {access.reason("Adding tests and recording results", "workRelease")}
          </Text>
        )}
      </Stack>
      {recording ? (
        <RecordResultModal
          key={recording.id}
          caseId={caseDetail.id}
          test={recording}
          onClose={() => setRecording(null)}
        />
      ) : null}
    </Card>
  );
}
