import { PutHaltRuleBodySchema, formatHaltPct, type HaltRuleView, type HaltScopeCheck } from "@firebreak/domain";
import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  List,
  NumberInput,
  Skeleton,
  Stack,
  Switch,
  Text,
  Textarea,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertOctagon, IconAlertTriangle, IconLock, IconRefresh, IconTrash } from "@tabler/icons-react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { fieldErrorsFromDetails, isApiError } from "../../../api/client";
import { ErrorAlert } from "../../../components/ui/error-alert";
import { formatCount, formatDateTime } from "../../../lib/format";
import { useSchemaForm } from "../../../lib/use-schema-form";
import { ProcessErrorAlert } from "../../process/components/refusal-alert";
import { useProcessAccess } from "../../process/process-access";
import { useDeleteHaltRule, useRearmHaltRule, useSaveHaltRule } from "../halts.mutations";
import { haltKeys, haltQueries } from "../halts.queries";

type Scope = "perSite" | "overall";

/** The form's fields: numbers stay "" while empty (a threshold left out is null). */
type RuleFormValues = {
  failureCount: number | "";
  failurePct: number | "";
  minSample: number | "";
  scopes: Scope[];
  alsoDisableAdvertisement: boolean;
  enabled: boolean;
};

const EMPTY: RuleFormValues = {
  failureCount: "",
  failurePct: 25,
  minSample: 20,
  scopes: ["perSite", "overall"],
  alsoDisableAdvertisement: false,
  enabled: true,
};

const valuesOf = (v: HaltRuleView): RuleFormValues => ({
  failureCount: v.rule.failureCount ?? "",
  failurePct: v.rule.failurePct ?? "",
  minSample: v.rule.minSample,
  scopes: [...(v.rule.perSite ? ["perSite" as const] : []), ...(v.rule.overall ? ["overall" as const] : [])],
  alsoDisableAdvertisement: v.rule.alsoDisableAdvertisement,
  enabled: v.enabled,
});

/** What is validated and sent: the domain schema's shape. */
const toInput = (v: RuleFormValues) => ({
  failureCount: v.failureCount === "" ? null : v.failureCount,
  failurePct: v.failurePct === "" ? null : v.failurePct,
  minSample: v.minSample === "" ? undefined : v.minSample,
  perSite: v.scopes.includes("perSite"),
  overall: v.scopes.includes("overall"),
  alsoDisableAdvertisement: v.alsoDisableAdvertisement,
  enabled: v.enabled,
});

const numberOrEmpty = (value: number | string): number | "" => (typeof value === "number" ? value : "");

const scopeName = (c: HaltScopeCheck) => (c.scope === "OVERALL" ? "All sites" : `Site ${c.siteCode}`);

function checkLine(c: HaltScopeCheck, minSample: number): string {
  const sample = c.sampleMet ? "" : `; ${formatCount(c.finished)} of the ${formatCount(minSample)} finished it needs`;
  return `${scopeName(c)}: ${formatCount(c.failed)} of ${formatCount(c.finished)} failed (${formatHaltPct(c.failurePct)})${sample}`;
}

function StateBadge({ view }: { view: HaltRuleView }) {
  if (view.state === "FIRED")
    return (
      <Badge color="red" variant="filled" tt="none">
        Fired
      </Badge>
    );
  if (view.state === "ARMED")
    return (
      <Badge color="green" variant="light" tt="none">
        Armed
      </Badge>
    );
  return (
    <Badge color="gray" variant="light" tt="none">
      Switched off
    </Badge>
  );
}

/** What the rule sees now, per watched scope. */
function CurrentChecks({ view }: { view: HaltRuleView }) {
  // The API lists the watched scopes even before any result ("0 of 0 failed" says nothing).
  if (view.current.every((c) => c.finished === 0))
    return (
      <Text size="sm" c="dimmed">
        No client has finished the program yet{view.countSince ? " since the rule was re-armed" : ""}.
      </Text>
    );
  return (
    <div>
      <Text size="sm" fw={600} id="halt-rule-now">
        What it sees now
      </Text>
      <List size="sm" aria-labelledby="halt-rule-now">
        {view.current.slice(0, 8).map((c) => (
          <List.Item key={`${c.scope}-${c.siteCode ?? ""}`}>
            {checkLine(c, view.rule.minSample)}
            {c.fires ? (
              <Text span size="sm" fw={700} c="red.9">
                {" — at the threshold"}
              </Text>
            ) : null}
          </List.Item>
        ))}
      </List>
      {view.current.length > 8 ? <Text size="xs">{`and ${view.current.length - 8} more sites`}</Text> : null}
    </div>
  );
}

function RuleForm({
  advertisementId,
  view,
  onDone,
}: {
  advertisementId: string;
  view: HaltRuleView | null;
  onDone: () => void;
}) {
  const queryClient = useQueryClient();
  const save = useSaveHaltRule();
  const { attachForm, ...form } = useSchemaForm({
    schema: PutHaltRuleBodySchema,
    initialValues: view ? valuesOf(view) : EMPTY,
    toInput,
  });
  return (
    <form
      ref={attachForm}
      noValidate
      aria-label={view ? "Change the halt rule" : "Set a halt rule"}
      onSubmit={form.handleSubmit((body) =>
        save.mutate(
          { advertisementId, version: view?.version ?? null, body },
          {
            onSuccess: (saved) => {
              notifications.show({
                color: "green",
                title: view ? "Halt rule saved" : "Halt rule set",
                message: saved.description,
              });
              onDone();
            },
            onError: (error) => {
              if (isApiError(error) && error.status === 400 && error.details.length > 0)
                form.setServerErrors(fieldErrorsFromDetails(error.details));
            },
          },
        ),
      )}
    >
      <Stack gap="sm">
        <Text size="sm">Fires when either threshold is reached, once enough clients have finished.</Text>
        <Group gap="sm" align="flex-start" grow>
          <NumberInput
            label="Failure percentage"
            description="of the finished clients"
            suffix=" %"
            min={0.1}
            max={100}
            decimalScale={1}
            value={form.values.failurePct}
            onChange={(value) => form.setField("failurePct", numberOrEmpty(value))}
            error={form.errors.failurePct}
          />
          <NumberInput
            label="Failure count"
            description="failed clients"
            min={1}
            allowDecimal={false}
            value={form.values.failureCount}
            onChange={(value) => form.setField("failureCount", numberOrEmpty(value))}
            error={form.errors.failureCount}
          />
        </Group>
        <NumberInput
          label="Minimum sample"
          description="finished clients (succeeded + failed) a scope needs before the rule can fire there"
          required
          min={1}
          allowDecimal={false}
          value={form.values.minSample}
          onChange={(value) => form.setField("minSample", numberOrEmpty(value))}
          error={form.errors.minSample}
        />
        <Checkbox.Group
          label="Where the rule looks"
          value={form.values.scopes}
          onChange={(value) => form.setField("scopes", value as Scope[])}
          error={form.errors.perSite ?? form.errors.overall}
        >
          <Stack gap={6} mt={6}>
            <Checkbox value="perSite" label="Each site on its own" />
            <Checkbox value="overall" label="All sites together" />
          </Stack>
        </Checkbox.Group>
        <Checkbox
          label="Also disable the advertisement when it fires"
          checked={form.values.alsoDisableAdvertisement}
          onChange={(e) => form.setField("alsoDisableAdvertisement", e.currentTarget.checked)}
        />
        <Switch
          label="Rule switched on"
          checked={form.values.enabled}
          onChange={(e) => form.setField("enabled", e.currentTarget.checked)}
        />
        {save.error && !(isApiError(save.error) && save.error.status === 400) ? (
          <ProcessErrorAlert
            error={save.error}
            title="The halt rule was not saved"
            onReload={() => {
              save.reset();
              void queryClient.invalidateQueries({ queryKey: haltKeys.rule(advertisementId) });
              onDone();
            }}
          />
        ) : null}
        <Group justify="flex-end" gap="sm">
          {view ? (
            <Button variant="default" onClick={onDone}>
              Cancel
            </Button>
          ) : null}
          <Button type="submit" loading={save.isPending}>
            {view ? "Save rule" : "Set rule"}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/**
 * The advertisement's automatic halt rule (product.md C8): armed or fired (with what it saw), what
 * it sees now, and for those who may halt: set, change, re-arm or remove it.
 */
export function HaltRulePanel({ advertisementId }: { advertisementId: string }) {
  const access = useProcessAccess();
  const mayEdit = access.mayTry("haltRelease");
  const rule = useQuery(haltQueries.rule(advertisementId));
  const queryClient = useQueryClient();
  const rearm = useRearmHaltRule();
  const remove = useDeleteHaltRule();
  const [editing, setEditing] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [confirmRearm, setConfirmRearm] = useState(false);
  const [rearmNote, setRearmNote] = useState("");
  const view = rule.data ?? null;
  const reload = () => void queryClient.invalidateQueries({ queryKey: haltKeys.rule(advertisementId) });

  return (
    <Card withBorder component="section" aria-labelledby="halt-rule-heading" aria-busy={rule.isPending || undefined}>
      <Group justify="space-between" mb="sm" wrap="wrap">
        <Title order={2} size="h4" id="halt-rule-heading">
          Halt rule
        </Title>
        {view ? <StateBadge view={view} /> : null}
      </Group>
      {rule.isPending ? (
        <Stack gap={8} aria-label="Loading the halt rule">
          <Skeleton height={18} />
          <Skeleton height={18} width="70%" />
        </Stack>
      ) : rule.isError ? (
        <ErrorAlert error={rule.error} title="Could not load the halt rule">
          <Button
            size="xs"
            mt="sm"
            variant="default"
            leftSection={<IconRefresh size={14} aria-hidden />}
            onClick={reload}
          >
            Try again
          </Button>
        </ErrorAlert>
      ) : (
        <Stack gap="sm">
          {view === null ? (
            <Text size="sm">
              No automatic halt rule. A rule halts this deployment by itself when installs fail: the program is
              disabled, the case is halted and the ERT is alerted in the war room.
            </Text>
          ) : (
            <>
              <Text size="sm">{view.description}</Text>
              {view.state === "FIRED" && view.firing ? (
                <Alert
                  color="red"
                  variant="light"
                  icon={<IconAlertOctagon aria-hidden />}
                  title={`Fired ${view.firedAt ? formatDateTime(view.firedAt) : ""}`}
                >
                  <Stack gap={6}>
                    <Text size="sm">{view.firing.sentence}</Text>
                    <Text size="sm">
                      The release was halted. Once the cause is fixed and the case resumed, re-arm the rule: it then
                      counts only results reported from that moment on.
                    </Text>
                    {mayEdit && !confirmRearm ? (
                      <Group gap="sm">
                        <Button size="xs" variant="default" onClick={() => setConfirmRearm(true)}>
                          Re-arm the rule…
                        </Button>
                      </Group>
                    ) : null}
                    {mayEdit && confirmRearm ? (
                      <Stack gap={6}>
                        <Text size="sm" fw={600}>
                          Re-arm the rule?
                        </Text>
                        <Text size="sm">
                          It watches this advertisement again and counts only results reported from now on. The release
                          stays halted until it is resumed.
                        </Text>
                        <Textarea
                          label="Note (optional)"
                          description="Why it may watch again; goes to the audit log."
                          autosize
                          minRows={2}
                          maxLength={500}
                          value={rearmNote}
                          onChange={(e) => setRearmNote(e.currentTarget.value)}
                        />
                        <Group gap="sm">
                          <Button
                            size="xs"
                            loading={rearm.isPending}
                            onClick={() =>
                              rearm.mutate(
                                {
                                  advertisementId,
                                  version: view.version,
                                  ...(rearmNote.trim() ? { note: rearmNote.trim() } : {}),
                                },
                                {
                                  onSuccess: () => {
                                    setConfirmRearm(false);
                                    setRearmNote("");
                                    notifications.show({
                                      color: "green",
                                      title: "Halt rule re-armed",
                                      message: `It watches ${advertisementId} again, counting from now.`,
                                    });
                                  },
                                },
                              )
                            }
                          >
                            Re-arm
                          </Button>
                          <Button size="xs" variant="default" onClick={() => setConfirmRearm(false)}>
                            Keep it fired
                          </Button>
                        </Group>
                      </Stack>
                    ) : null}
                  </Stack>
                </Alert>
              ) : null}
              {view.lastError ? (
                <Alert
                  color="orange"
                  variant="light"
                  icon={<IconAlertTriangle aria-hidden />}
                  title="The rule could not be evaluated"
                >
                  <Text size="sm">
                    {`At ${formatDateTime(view.lastError.at)}: ${view.lastError.message}. It is tried again with the next status batch and the periodic sweep; until one succeeds, it cannot fire.`}
                  </Text>
                </Alert>
              ) : null}
              {view.state === "SWITCHED_OFF" ? (
                <Text size="sm" c="dimmed">
                  Switched off: it does not halt anything until someone switches it on.
                </Text>
              ) : null}
              {view.countSince ? (
                <Text
                  size="xs"
                  c="dimmed"
                >{`Counting results reported since ${formatDateTime(view.countSince)}.`}</Text>
              ) : null}
              {view.lastEvaluatedAt && view.state === "ARMED" ? (
                <Text
                  size="xs"
                  c="dimmed"
                >{`Last looked at the results ${formatDateTime(view.lastEvaluatedAt)}.`}</Text>
              ) : null}
              <CurrentChecks view={view} />
            </>
          )}
          {rearm.error ? (
            <ProcessErrorAlert
              error={rearm.error}
              title="The rule was not re-armed"
              onReload={() => {
                rearm.reset();
                reload();
              }}
            />
          ) : null}
          {remove.error ? (
            <ProcessErrorAlert
              error={remove.error}
              title="The rule was not removed"
              onReload={() => {
                remove.reset();
                reload();
              }}
            />
          ) : null}
          {!mayEdit ? (
            <Group gap={6} wrap="nowrap" align="flex-start">
              <IconLock size={16} aria-hidden style={{ flex: "none", marginTop: 2 }} />
              <Text size="sm" c="dimmed">
                {access.reason("Setting a halt rule", "haltRelease")}
              </Text>
            </Group>
          ) : view === null || editing ? (
            <RuleForm
              key={view ? `${view.id}:${view.version}` : "new"}
              advertisementId={advertisementId}
              view={view}
              onDone={() => setEditing(false)}
            />
          ) : (
            <Group gap="sm" wrap="wrap">
              <Button size="xs" variant="default" onClick={() => setEditing(true)}>
                Change the rule
              </Button>
              {confirmRemove ? (
                <>
                  <Text size="sm">Remove the rule?</Text>
                  <Button
                    size="xs"
                    color="red"
                    loading={remove.isPending}
                    onClick={() =>
                      remove.mutate(
                        { advertisementId, version: view.version },
                        { onSettled: () => setConfirmRemove(false) },
                      )
                    }
                  >
                    Remove
                  </Button>
                  <Button size="xs" variant="default" onClick={() => setConfirmRemove(false)}>
                    Keep it
                  </Button>
                </>
              ) : (
                <Button
                  size="xs"
                  variant="subtle"
                  color="red"
                  leftSection={<IconTrash size={14} aria-hidden />}
                  onClick={() => setConfirmRemove(true)}
                >
                  Remove the rule…
                </Button>
              )}
            </Group>
          )}
        </Stack>
      )}
    </Card>
  );
}
