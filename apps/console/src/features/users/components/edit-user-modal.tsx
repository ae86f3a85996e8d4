import { UpdateUserBodySchema, type Role, type UpdateUserBody, type User } from "@firebreak/domain";
import { Alert, Button, Group, Modal, PasswordInput, Stack, Switch, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertTriangle } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { fieldErrorsFromDetails, isApiError } from "../../../api/client";
import { ErrorAlert } from "../../../components/ui/error-alert";
import { FORM_ERROR, useSchemaForm } from "../../../lib/use-schema-form";
import { useUpdateUser } from "../users.mutations";
import { userKeys } from "../users.queries";
import { RoleSelect } from "./role-select";

export const STALE_USER_MESSAGE = "This user was changed by someone else; reload and try again";
/** The API refuses (409) an administrator's change of their own role, by design. */
export const OWN_ROLE_LOCKED_MESSAGE = "Ask another administrator to change your own role.";

interface EditUserModalProps {
  /** The user as last read from the list; null closes the modal. */
  user: User | null;
  currentUserId: string;
  onClose: () => void;
}

interface EditValues extends Record<string, unknown> {
  displayName: string;
  role: Role;
  disabled: boolean;
  password: string;
}

const valuesFrom = (user: User): EditValues => ({
  displayName: user.displayName,
  role: user.role,
  disabled: user.disabled,
  password: "",
});

/** Validation details the API sent for fields of this form, or null when there are none to show inline. */
function inlineErrorsOf(error: unknown) {
  if (!isApiError(error)) return null;
  const errors = fieldErrorsFromDetails(error.details);
  return Object.keys(errors).length > 0 ? errors : null;
}

/** Only what changed is sent; an empty password means "keep the current one". */
function changesFrom(user: User, values: EditValues): UpdateUserBody {
  const body: UpdateUserBody = {};
  if (values.displayName.trim() !== user.displayName) body.displayName = values.displayName;
  if (values.role !== user.role) body.role = values.role;
  if (values.disabled !== user.disabled) body.disabled = values.disabled;
  if (values.password !== "") body.password = values.password;
  return body;
}

export function EditUserModal({ user, currentUserId, onClose }: EditUserModalProps) {
  return (
    <Modal opened={user !== null} onClose={onClose} title={user ? `Edit ${user.username}` : "Edit user"} size="lg">
      {/* Keyed by version: after "Reload user" brings a newer version, the form starts again from it. */}
      {user ? (
        <EditUserForm
          key={`${user.id}:${user.version}`}
          user={user}
          isSelf={user.id === currentUserId}
          onClose={onClose}
        />
      ) : null}
    </Modal>
  );
}

function EditUserForm({ user, isSelf, onClose }: { user: User; isSelf: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const updateUser = useUpdateUser();
  const { attachForm, ...form } = useSchemaForm({
    schema: UpdateUserBodySchema,
    initialValues: valuesFrom(user),
    toInput: (values: EditValues) => changesFrom(user, values),
  });

  const submit = form.handleSubmit((body) => {
    updateUser.mutate(
      { user, body },
      {
        onSuccess: (updated) => {
          notifications.show({
            color: "green",
            title: "User updated",
            message: `Saved the changes to ${updated.username}.`,
          });
          onClose();
        },
        onError: (error) => {
          const inline = inlineErrorsOf(error);
          if (inline) form.setServerErrors(inline);
        },
      },
    );
  });

  const error = updateUser.error;
  const stale = isApiError(error) && error.code === "PRECONDITION_FAILED";

  return (
    <form ref={attachForm} onSubmit={submit} noValidate aria-label={`Edit ${user.username}`}>
      <Stack gap="md">
        <TextInput
          label="Username"
          value={user.username}
          readOnly
          disabled
          description="Usernames cannot be changed."
        />
        <TextInput
          label="Display name"
          required
          data-autofocus
          autoComplete="off"
          value={form.values.displayName}
          onChange={(e) => form.setField("displayName", e.currentTarget.value)}
          error={form.errors.displayName}
        />
        {/* Your own role and account are locked: the API refuses both (409), so say so up front. */}
        <RoleSelect
          value={form.values.role}
          onChange={(role) => form.setField("role", role)}
          error={form.errors.role}
          disabled={isSelf}
          lockedReason={isSelf ? OWN_ROLE_LOCKED_MESSAGE : undefined}
        />
        <Switch
          label="Account disabled"
          description={
            isSelf
              ? "You cannot disable your own account; ask another administrator."
              : "A disabled account cannot sign in; its open sessions end."
          }
          checked={form.values.disabled}
          disabled={isSelf}
          onChange={(e) => form.setField("disabled", e.currentTarget.checked)}
          error={form.errors.disabled}
        />
        <PasswordInput
          label="New password"
          description="Leave empty to keep the current password. At least 12 characters."
          autoComplete="new-password"
          value={form.values.password}
          onChange={(e) => form.setField("password", e.currentTarget.value)}
          error={form.errors.password}
        />
        {form.errors[FORM_ERROR] ? (
          <Text c="var(--mantine-color-error)" size="sm" role="alert">
            {form.errors[FORM_ERROR]}
          </Text>
        ) : null}
        {/* Next to the buttons, where the eyes are after pressing Save. */}
        {stale ? (
          <Alert
            color="orange"
            variant="light"
            role="alert"
            title="Changed elsewhere"
            icon={<IconAlertTriangle aria-hidden />}
          >
            <Text size="sm">{STALE_USER_MESSAGE}</Text>
            <Button
              mt="sm"
              size="xs"
              variant="default"
              onClick={() => void queryClient.invalidateQueries({ queryKey: userKeys.all })}
            >
              Reload user
            </Button>
          </Alert>
        ) : error && !inlineErrorsOf(error) ? (
          <ErrorAlert error={error} title="The changes were not saved" />
        ) : null}
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={updateUser.isPending}>
            Save changes
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
