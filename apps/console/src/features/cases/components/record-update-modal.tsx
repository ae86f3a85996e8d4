import {
  CreateSoftwareUpdateBodySchema,
  INSTALLER_ENGINES,
  installerEngineLabels,
  RESTART_REQUIREMENTS,
  restartRequirementLabels,
  ROLLBACKABILITIES,
  rollbackabilityLabels,
  softwareUpdateWarnings,
  UPDATE_CLASSIFICATIONS,
  updateClassificationDescriptions,
  updateClassificationLabels,
  VENDOR_SEVERITIES,
  vendorSeverityLabels,
  type InstallerEngine,
  type RestartRequirement,
  type Rollbackability,
  type SoftwareUpdateRecord,
  type UpdateClassification,
  type VendorSeverity,
} from "@firebreak/domain";
import {
  Alert,
  Button,
  Checkbox,
  Fieldset,
  Group,
  List,
  Modal,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconInfoCircle } from "@tabler/icons-react";
import { useState } from "react";
import { useNavigate } from "react-router";
import { fieldErrorsFromDetails, isApiError } from "../../../api/client";
import { ErrorAlert } from "../../../components/ui/error-alert";
import { useSchemaForm, type FieldErrors } from "../../../lib/use-schema-form";
import { useCreateUpdate, useOpenCase } from "../cases.mutations";

interface UpdateFormValues extends Record<string, unknown> {
  bulletinId: string;
  kbNumber: string;
  title: string;
  classification: UpdateClassification | "";
  vendorSeverity: VendorSeverity | "";
  products: string;
  releasedAt: string;
  sizeKB: number | string;
  installerEngine: InstallerEngine | "";
  installCommand: string;
  requiresRestart: RestartRequirement | "";
  registryKey: string;
  valueName: string;
  filePath: string;
  fileVersion: string;
  rollbackability: Rollbackability | "";
  uninstallCommand: string;
  supersedes: string;
  touchesFiles: string;
  rollbackNotes: string;
}

const initialValues: UpdateFormValues = {
  bulletinId: "",
  kbNumber: "",
  title: "",
  classification: "SECURITY_UPDATE",
  vendorSeverity: "",
  products: "",
  releasedAt: "",
  sizeKB: "",
  installerEngine: "UPDATE_EXE",
  installCommand: "",
  requiresRestart: "YES",
  registryKey: "",
  valueName: "",
  filePath: "",
  fileVersion: "",
  rollbackability: "",
  uninstallCommand: "",
  supersedes: "",
  touchesFiles: "",
  rollbackNotes: "",
};

const lines = (s: string) =>
  s
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
const words = (s: string) =>
  s
    .split(/[\s,;]+/)
    .map((w) => w.trim())
    .filter(Boolean);
const orUndefined = <T,>(v: T | "") => (v === "" ? undefined : v);
const optional = (s: string) => (s.trim() ? s.trim() : undefined);

/** The form's strings as the domain's SoftwareUpdate input. */
export function updateInput(v: UpdateFormValues): unknown {
  const fileVersion =
    v.filePath.trim() || v.fileVersion.trim() ? { path: v.filePath, version: v.fileVersion } : undefined;
  return {
    bulletinId: v.bulletinId.trim() ? v.bulletinId : null,
    kbNumber: v.kbNumber,
    title: v.title,
    classification: orUndefined(v.classification),
    vendorSeverity: orUndefined(v.vendorSeverity),
    products: lines(v.products),
    releasedAt: /^\d{4}-\d{2}-\d{2}$/.test(v.releasedAt) ? `${v.releasedAt}T00:00:00.000Z` : undefined,
    sizeKB: typeof v.sizeKB === "number" ? v.sizeKB : undefined,
    installerEngine: orUndefined(v.installerEngine),
    installCommand: v.installCommand,
    requiresRestart: orUndefined(v.requiresRestart),
    detectionRule: { registryKey: v.registryKey, valueName: optional(v.valueName), fileVersion },
    rollbackability: orUndefined(v.rollbackability),
    uninstallCommand: v.uninstallCommand.trim() ? v.uninstallCommand : null,
    supersedes: words(v.supersedes).map((w) => w.toUpperCase()),
    touchesFiles: lines(v.touchesFiles),
    rollbackNotes: optional(v.rollbackNotes) ?? null,
  };
}

/** First error at a path or below it ("products" also shows "products.2"). */
const errorAt = (errors: FieldErrors, path: string): string | undefined =>
  errors[path] ?? Object.entries(errors).find(([k]) => k.startsWith(`${path}.`))?.[1];

const options = <T extends string>(values: readonly T[], labels: Record<T, string>) =>
  values.map((value) => ({ value, label: labels[value] }));

/** Identify, discovery: record a vendor update with the same schema the API validates with. */
export function RecordUpdateModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const create = useCreateUpdate();
  const open = useOpenCase();
  const navigate = useNavigate();
  const { attachForm, ...form } = useSchemaForm({
    schema: CreateSoftwareUpdateBodySchema,
    initialValues,
    toInput: updateInput,
  });
  const v = form.values;
  const e = form.errors;
  const [openCaseToo, setOpenCaseToo] = useState(true);

  const close = () => {
    form.reset();
    setOpenCaseToo(true);
    create.reset();
    open.reset();
    onClose();
  };

  const afterCreate = (u: SoftwareUpdateRecord) => {
    if (!openCaseToo) {
      notifications.show({
        color: "green",
        title: "Update recorded",
        message: `${u.record.kbNumber} is recorded. Open a case for it when it needs triage.`,
      });
      close();
      return;
    }
    open.mutate(u.id, {
      onSuccess: (c) => {
        notifications.show({ color: "green", title: "Case opened", message: `${u.record.kbNumber} is in Identify.` });
        close();
        void navigate(`/triage/cases/${c.id}`);
      },
    });
  };

  const submit = form.handleSubmit((body) => {
    create.mutate(body, {
      onSuccess: afterCreate,
      onError: (error) => {
        if (isApiError(error)) {
          const inline = fieldErrorsFromDetails(error.details);
          if (Object.keys(inline).length > 0) form.setServerErrors(inline);
        }
      },
    });
  });

  const warnings =
    v.classification && v.vendorSeverity && v.rollbackability && v.installerEngine
      ? softwareUpdateWarnings({
          classification: v.classification,
          vendorSeverity: v.vendorSeverity,
          rollbackability: v.rollbackability,
          installerEngine: v.installerEngine,
        })
      : [];
  const removable = v.rollbackability === "REMOVABLE" || v.rollbackability === "REMOVABLE_ORDER_SENSITIVE";

  return (
    <Modal opened={opened} onClose={close} title="Record a software update" size="xl">
      <form ref={attachForm} onSubmit={submit} noValidate aria-label="Record a software update">
        <Stack gap="md">
          <Alert variant="light" color="blue" icon={<IconInfoCircle aria-hidden />}>
            The vendor severity is Microsoft&apos;s rating of the vulnerability. It is an input to the release priority
            your team sets later, never the priority itself: a Critical rating is not an Emergency.
          </Alert>
          <Fieldset legend="The bulletin">
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput
                label="KB number"
                required
                placeholder="e.g. KB835732"
                data-autofocus
                value={v.kbNumber}
                onChange={(ev) => form.setField("kbNumber", ev.currentTarget.value)}
                error={e.kbNumber}
              />
              <TextInput
                label="Bulletin ID"
                description="Security updates only"
                placeholder="e.g. MS04-011"
                value={v.bulletinId}
                onChange={(ev) => form.setField("bulletinId", ev.currentTarget.value)}
                error={e.bulletinId}
              />
            </SimpleGrid>
            <TextInput
              mt="sm"
              label="Title"
              required
              value={v.title}
              onChange={(ev) => form.setField("title", ev.currentTarget.value)}
              error={e.title}
            />
            <SimpleGrid cols={{ base: 1, sm: 2 }} mt="sm">
              <Select
                label="Classification"
                required
                allowDeselect={false}
                data={options(UPDATE_CLASSIFICATIONS, updateClassificationLabels)}
                description={v.classification ? updateClassificationDescriptions[v.classification] : undefined}
                value={v.classification || null}
                onChange={(val) => form.setField("classification", (val ?? "") as UpdateClassification | "")}
                error={e.classification}
              />
              <Select
                label="Vendor severity"
                required
                allowDeselect={false}
                placeholder="Choose the bulletin's rating"
                data={options(VENDOR_SEVERITIES, vendorSeverityLabels)}
                value={v.vendorSeverity || null}
                onChange={(val) => form.setField("vendorSeverity", (val ?? "") as VendorSeverity | "")}
                error={e.vendorSeverity}
              />
              <TextInput
                type="date"
                label="Released on"
                required
                value={v.releasedAt}
                onChange={(ev) => form.setField("releasedAt", ev.currentTarget.value)}
                error={e.releasedAt ? (v.releasedAt ? e.releasedAt : "Enter the release date") : undefined}
              />
              <NumberInput
                label="Size (KB)"
                required
                min={0}
                allowDecimal={false}
                value={v.sizeKB}
                onChange={(val) => form.setField("sizeKB", val)}
                error={e.sizeKB}
              />
            </SimpleGrid>
            <Textarea
              mt="sm"
              label="Affected products"
              description="One per line"
              required
              autosize
              minRows={2}
              value={v.products}
              onChange={(ev) => form.setField("products", ev.currentTarget.value)}
              error={errorAt(e, "products")}
            />
          </Fieldset>

          <Fieldset legend="Installing it">
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <Select
                label="Installer engine"
                required
                allowDeselect={false}
                data={options(INSTALLER_ENGINES, installerEngineLabels)}
                value={v.installerEngine || null}
                onChange={(val) => form.setField("installerEngine", (val ?? "") as InstallerEngine | "")}
                error={e.installerEngine}
              />
              <Select
                label="Restart"
                required
                allowDeselect={false}
                data={options(RESTART_REQUIREMENTS, restartRequirementLabels)}
                value={v.requiresRestart || null}
                onChange={(val) => form.setField("requiresRestart", (val ?? "") as RestartRequirement | "")}
                error={e.requiresRestart}
              />
            </SimpleGrid>
            <TextInput
              mt="sm"
              label="Install command"
              required
              ff="monospace"
              placeholder="e.g. WindowsXP-KB835732-x86-ENU.exe /quiet /norestart"
              value={v.installCommand}
              onChange={(ev) => form.setField("installCommand", ev.currentTarget.value)}
              error={e.installCommand}
            />
            <SimpleGrid cols={{ base: 1, sm: 2 }} mt="sm">
              <TextInput
                label="Detection: registry key"
                required
                placeholder="HKLM\SOFTWARE\Microsoft\Updates\…"
                value={v.registryKey}
                onChange={(ev) => form.setField("registryKey", ev.currentTarget.value)}
                error={e["detectionRule.registryKey"]}
              />
              <TextInput
                label="Detection: value name"
                value={v.valueName}
                onChange={(ev) => form.setField("valueName", ev.currentTarget.value)}
                error={e["detectionRule.valueName"]}
              />
              <TextInput
                label="Detection: file path"
                description="Optional, with the file version"
                value={v.filePath}
                onChange={(ev) => form.setField("filePath", ev.currentTarget.value)}
                error={e["detectionRule.fileVersion.path"]}
              />
              <TextInput
                label="Detection: file version"
                placeholder="e.g. 5.1.2600.1361"
                value={v.fileVersion}
                onChange={(ev) => form.setField("fileVersion", ev.currentTarget.value)}
                error={e["detectionRule.fileVersion.version"]}
              />
            </SimpleGrid>
          </Fieldset>

          <Fieldset legend="Removing it">
            <Select
              label="Can it be removed?"
              required
              allowDeselect={false}
              placeholder="From the bulletin's removal section"
              data={options(ROLLBACKABILITIES, rollbackabilityLabels)}
              value={v.rollbackability || null}
              onChange={(val) => form.setField("rollbackability", (val ?? "") as Rollbackability | "")}
              error={e.rollbackability}
            />
            <TextInput
              mt="sm"
              label="Uninstall command"
              required={removable}
              disabled={v.rollbackability === "NOT_REMOVABLE"}
              ff="monospace"
              value={v.uninstallCommand}
              onChange={(ev) => form.setField("uninstallCommand", ev.currentTarget.value)}
              error={e.uninstallCommand}
            />
            <SimpleGrid cols={{ base: 1, sm: 2 }} mt="sm">
              <TextInput
                label="Supersedes"
                description="KB numbers, separated by commas"
                value={v.supersedes}
                onChange={(ev) => form.setField("supersedes", ev.currentTarget.value)}
                error={errorAt(e, "supersedes")}
              />
              <Textarea
                label="Files it replaces"
                description="One per line; needed when removal is order-sensitive"
                autosize
                minRows={1}
                value={v.touchesFiles}
                onChange={(ev) => form.setField("touchesFiles", ev.currentTarget.value)}
                error={errorAt(e, "touchesFiles")}
              />
            </SimpleGrid>
            <Textarea
              mt="sm"
              label="Removal notes"
              autosize
              minRows={1}
              value={v.rollbackNotes}
              onChange={(ev) => form.setField("rollbackNotes", ev.currentTarget.value)}
              error={e.rollbackNotes}
            />
          </Fieldset>

          {warnings.length > 0 ? (
            <Alert variant="light" color="yellow" title="Worth a second look" role="status">
              <List size="sm">
                {warnings.map((w) => (
                  <List.Item key={w}>{w}</List.Item>
                ))}
              </List>
            </Alert>
          ) : null}
          <Checkbox
            label="Open a case for it now (it starts in Identify)"
            checked={openCaseToo}
            onChange={(ev) => setOpenCaseToo(ev.currentTarget.checked)}
          />
          {create.error ? <ErrorAlert error={create.error} title="The update was not recorded" /> : null}
          {open.error ? (
            <ErrorAlert error={open.error} title="The update is recorded, but no case was opened">
              <Text size="sm" mt={4}>
                Use “Open case” on the board to try again.
              </Text>
            </ErrorAlert>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending || open.isPending}>
              Record update
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
