import { ROLES, roleDescriptions, roleLabels, type Role } from "@firebreak/domain";
import { Select, Stack, Text } from "@mantine/core";

const roleOptions = ROLES.map((role) => ({ value: role, label: roleLabels[role] }));

interface RoleSelectProps {
  value: Role;
  onChange: (role: Role) => void;
  error?: string | undefined;
  /** Locks the field; `lockedReason` then replaces the role description under it. */
  disabled?: boolean;
  lockedReason?: string | undefined;
}

/** Role picker that explains each role, in the list and (for the chosen one) under the field. */
export function RoleSelect({ value, onChange, error, disabled = false, lockedReason }: RoleSelectProps) {
  return (
    <Select<Role>
      label="Role"
      required
      data={roleOptions}
      value={value}
      allowDeselect={false}
      onChange={(next) => {
        if (next) onChange(next);
      }}
      disabled={disabled}
      description={disabled && lockedReason ? `${roleDescriptions[value]} ${lockedReason}` : roleDescriptions[value]}
      error={error}
      comboboxProps={{ withinPortal: true }}
      renderOption={({ option }) => (
        <Stack gap={0}>
          <Text size="sm" fw={600}>
            {option.label}
          </Text>
          <Text size="xs" c="dimmed">
            {roleDescriptions[option.value]}
          </Text>
        </Stack>
      )}
    />
  );
}
