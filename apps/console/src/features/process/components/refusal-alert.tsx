import { Alert, Text } from "@mantine/core";
import { IconLockExclamation } from "@tabler/icons-react";
import { ErrorAlert } from "../../../components/ui/error-alert";
import { StaleAlert } from "../../fleet/components/stale-alert";
import { isStaleWrite } from "../../fleet/fleet";
import { describeRefusal } from "../refusal";

/**
 * Why a process write did not happen: an unmet gate (409, named), someone else's change (412,
 * reload), or any other error in words.
 */
export function ProcessErrorAlert({
  error,
  title,
  onReload,
}: {
  error: unknown;
  /** Title for errors that are neither a refusal nor a stale write. */
  title: string;
  onReload: () => void;
}) {
  if (isStaleWrite(error)) return <StaleAlert onReload={onReload} />;
  const refusal = describeRefusal(error);
  if (refusal)
    return (
      <Alert
        color="orange"
        variant="light"
        role="alert"
        title={refusal.title}
        icon={<IconLockExclamation aria-hidden />}
      >
        <Text size="sm">{refusal.message}</Text>
      </Alert>
    );
  return <ErrorAlert error={error} title={title} />;
}
