import {
  CreateSiteBodySchema,
  SITE_TYPES,
  siteTypeLabels,
  UpdateSiteBodySchema,
  type SiteRecord,
  type SiteType,
} from "@firebreak/domain";
import { Button, Group, Modal, Select, Stack, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useQueryClient } from "@tanstack/react-query";
import { fieldErrorsFromDetails, isApiError } from "../../../api/client";
import { ErrorAlert } from "../../../components/ui/error-alert";
import { FORM_ERROR, useSchemaForm } from "../../../lib/use-schema-form";
import { StaleAlert } from "../../fleet/components/stale-alert";
import { isStaleWrite } from "../../fleet/fleet";
import { UTC_OFFSET_OPTIONS } from "../site-tree";
import { useCreateSite, useUpdateSite } from "../sites.mutations";
import { siteKeys } from "../sites.queries";

const inlineErrorsOf = (error: unknown) => {
  if (!isApiError(error)) return null;
  const errors = fieldErrorsFromDetails(error.details);
  return Object.keys(errors).length > 0 ? errors : null;
};

interface CreateValues extends Record<string, unknown> {
  siteCode: string;
  name: string;
  type: SiteType;
  parentSiteCode: string | null;
  utcOffsetMinutes: string;
}

const emptySite: CreateValues = {
  siteCode: "",
  name: "",
  type: "PRIMARY",
  parentSiteCode: null,
  utcOffsetMinutes: "0",
};
const toSite = (v: CreateValues) => ({
  ...v,
  siteCode: v.siteCode.trim().toUpperCase(),
  utcOffsetMinutes: Number(v.utcOffsetMinutes),
});

export function CreateSiteModal({
  opened,
  onClose,
  sites,
}: {
  opened: boolean;
  onClose: () => void;
  sites: SiteRecord[];
}) {
  const create = useCreateSite();
  const { attachForm, ...form } = useSchemaForm({
    schema: CreateSiteBodySchema,
    initialValues: emptySite,
    toInput: toSite,
  });
  const close = () => {
    form.reset();
    create.reset();
    onClose();
  };
  const submit = form.handleSubmit((body) =>
    create.mutate(body, {
      onSuccess: (site) => {
        notifications.show({
          color: "green",
          title: "Site added",
          message: `${site.siteCode} · ${site.name} is in the hierarchy.`,
        });
        close();
      },
      onError: (error) => {
        const inline = inlineErrorsOf(error);
        if (inline) form.setServerErrors(inline);
      },
    }),
  );
  // Secondary sites hang below primaries (or the central site); primaries below the central site.
  const parents = sites
    .filter((s) => s.type !== "SECONDARY")
    .map((s) => ({ value: s.siteCode, label: `${s.siteCode} · ${s.name}` }));
  return (
    <Modal opened={opened} onClose={close} title="Add site" size="lg">
      <form ref={attachForm} onSubmit={submit} noValidate aria-label="Add site">
        <Stack gap="md">
          <TextInput
            label="Site code"
            description="Three characters, A–Z or 0–9, e.g. LON"
            required
            data-autofocus
            maxLength={3}
            value={form.values.siteCode}
            onChange={(e) => form.setField("siteCode", e.currentTarget.value.toUpperCase())}
            error={form.errors.siteCode}
          />
          <TextInput
            label="Site name"
            required
            value={form.values.name}
            onChange={(e) => form.setField("name", e.currentTarget.value)}
            error={form.errors.name}
          />
          <Select
            label="Site type"
            required
            allowDeselect={false}
            data={SITE_TYPES.map((t) => ({ value: t, label: siteTypeLabels[t] }))}
            value={form.values.type}
            onChange={(v) => v && form.setField("type", v as SiteType)}
            error={form.errors.type}
          />
          <Select
            label="Parent site"
            description="Empty only for the central site."
            clearable
            data={parents}
            value={form.values.parentSiteCode}
            onChange={(v) => form.setField("parentSiteCode", v)}
            error={form.errors.parentSiteCode}
          />
          <Select
            label="Time zone"
            searchable
            allowDeselect={false}
            data={UTC_OFFSET_OPTIONS}
            value={form.values.utcOffsetMinutes}
            onChange={(v) => v && form.setField("utcOffsetMinutes", v)}
            error={form.errors.utcOffsetMinutes}
          />
          {form.errors[FORM_ERROR] ? (
            <Text c="var(--mantine-color-error)" size="sm" role="alert">
              {form.errors[FORM_ERROR]}
            </Text>
          ) : null}
          {create.error && !inlineErrorsOf(create.error) ? (
            <ErrorAlert error={create.error} title="The site was not added" />
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Add site
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function EditSiteModal({ site, onClose }: { site: SiteRecord | null; onClose: () => void }) {
  // Above the form, which remounts with each new version: the save's callbacks must outlive it.
  const update = useUpdateSite();
  const close = () => {
    update.reset();
    onClose();
  };
  return (
    <Modal opened={site !== null} onClose={close} title={site ? `Edit site ${site.siteCode}` : "Edit site"}>
      {site ? (
        <EditSiteForm key={`${site.siteCode}:${site.version}`} site={site} onClose={close} update={update} />
      ) : null}
    </Modal>
  );
}

interface EditValues extends Record<string, unknown> {
  name: string;
  utcOffsetMinutes: string;
}

function EditSiteForm({
  site,
  onClose,
  update,
}: {
  site: SiteRecord;
  onClose: () => void;
  update: ReturnType<typeof useUpdateSite>;
}) {
  const queryClient = useQueryClient();
  const { attachForm, ...form } = useSchemaForm({
    schema: UpdateSiteBodySchema,
    initialValues: { name: site.name, utcOffsetMinutes: String(site.utcOffsetMinutes) } as EditValues,
    toInput: (v: EditValues) => ({
      ...(v.name.trim() !== site.name ? { name: v.name } : {}),
      ...(Number(v.utcOffsetMinutes) !== site.utcOffsetMinutes ? { utcOffsetMinutes: Number(v.utcOffsetMinutes) } : {}),
    }),
  });
  const submit = form.handleSubmit((body) => {
    if (body.name === undefined && body.utcOffsetMinutes === undefined) {
      onClose();
      return;
    }
    update.mutate(
      { site, body },
      {
        onSuccess: (saved) => {
          notifications.show({
            color: "green",
            title: "Site saved",
            message: `Saved ${saved.siteCode} · ${saved.name}.`,
          });
          onClose();
        },
      },
    );
  });
  return (
    <form ref={attachForm} onSubmit={submit} noValidate aria-label={`Edit site ${site.siteCode}`}>
      <Stack gap="md">
        <TextInput
          label="Site name"
          required
          data-autofocus
          value={form.values.name}
          onChange={(e) => form.setField("name", e.currentTarget.value)}
          error={form.errors.name}
        />
        <Select
          label="Time zone"
          description="Address schedules and hourly rate limits are in this local time."
          searchable
          allowDeselect={false}
          data={UTC_OFFSET_OPTIONS}
          value={form.values.utcOffsetMinutes}
          onChange={(v) => v && form.setField("utcOffsetMinutes", v)}
          error={form.errors.utcOffsetMinutes}
        />
        {isStaleWrite(update.error) ? (
          <StaleAlert
            onReload={() => {
              update.reset();
              void queryClient.invalidateQueries({ queryKey: siteKeys.all });
            }}
          />
        ) : update.error ? (
          <ErrorAlert error={update.error} title="The site was not saved" />
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={update.isPending}>
            Save site
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
