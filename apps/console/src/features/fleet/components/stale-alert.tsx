import { Alert, Button, Text } from "@mantine/core";
import { IconAlertTriangle, IconRefresh } from "@tabler/icons-react";
import { STALE_WRITE_MESSAGE } from "../fleet";

/** A 412 on save: someone else changed the record; reloading replaces the form with their version. */
export function StaleAlert({ onReload, reloading = false }: { onReload: () => void; reloading?: boolean }) {
  return (
    <Alert
      color="orange"
      variant="light"
      role="alert"
      title="Changed by someone else — reload"
      icon={<IconAlertTriangle aria-hidden />}
    >
      <Text size="sm">{STALE_WRITE_MESSAGE}</Text>
      <Button
        mt="sm"
        size="xs"
        variant="default"
        leftSection={<IconRefresh size={14} aria-hidden />}
        onClick={onReload}
        loading={reloading}
      >
        Reload
      </Button>
    </Alert>
  );
}
