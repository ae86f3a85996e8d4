import { vendorSeverityLabels } from "@firebreak/domain";
import { Button, Group, Modal, Select, Skeleton, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useNavigate } from "react-router";
import { ErrorAlert } from "../../../components/ui/error-alert";
import { useOpenCase } from "../cases.mutations";
import { caseQueries, updateQueries } from "../cases.queries";

/** Identify: open a case for an update that is recorded but has no case yet. */
export function OpenCaseModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const updates = useQuery({ ...updateQueries.list(), enabled: opened });
  const cases = useQuery({ ...caseQueries.list({ open: false }), enabled: opened });
  const open = useOpenCase();
  const navigate = useNavigate();
  const [updateId, setUpdateId] = useState<string | null>(null);
  const [attempted, setAttempted] = useState(false);

  const withCase = new Set(cases.data?.items.map((c) => c.updateId) ?? []);
  const choices =
    updates.data?.items
      .filter((u) => !withCase.has(u.id))
      .map((u) => ({
        value: u.id,
        label: `${u.record.kbNumber}${u.record.bulletinId ? ` · ${u.record.bulletinId}` : ""} — ${u.record.title} (${vendorSeverityLabels[u.record.vendorSeverity]})`,
      })) ?? [];

  const close = () => {
    setUpdateId(null);
    setAttempted(false);
    open.reset();
    onClose();
  };

  return (
    <Modal opened={opened} onClose={close} title="Open a case" size="lg">
      <form
        noValidate
        aria-label="Open a case"
        onSubmit={(event) => {
          event.preventDefault();
          setAttempted(true);
          if (!updateId) return;
          open.mutate(updateId, {
            onSuccess: (c) => {
              notifications.show({ color: "green", title: "Case opened", message: `${c.kbNumber} is in Identify.` });
              close();
              void navigate(`/triage/cases/${c.id}`);
            },
          });
        }}
      >
        <Stack gap="md">
          {updates.isPending || cases.isPending ? (
            <Skeleton height={60} aria-label="Loading the recorded updates" />
          ) : updates.isError ? (
            <ErrorAlert error={updates.error} title="Could not load the recorded updates" />
          ) : choices.length === 0 ? (
            <Text size="sm">
              Every recorded update already has a case. Record a new update first (“Record an update”).
            </Text>
          ) : (
            <Select
              label="Software update"
              description="Updates that have no case yet"
              placeholder="Choose an update"
              searchable
              required
              data-autofocus
              data={choices}
              value={updateId}
              onChange={setUpdateId}
              error={attempted && !updateId ? "Choose the update to open a case for" : undefined}
            />
          )}
          {open.error ? <ErrorAlert error={open.error} title="The case was not opened" /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={open.isPending} disabled={choices.length === 0}>
              Open case
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
