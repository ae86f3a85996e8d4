import { Alert } from "@mantine/core";
import { IconAlertCircle } from "@tabler/icons-react";
import type { ReactNode } from "react";
import { describeError } from "../../lib/describe-error";
import { RequestId } from "./request-id";

/** An error shown inline (forms, panels), announced to screen readers. */
export function ErrorAlert({ error, title, children }: { error: unknown; title?: string; children?: ReactNode }) {
  const described = describeError(error);
  return (
    <Alert
      color="red"
      variant="light"
      role="alert"
      title={title ?? described.title}
      icon={<IconAlertCircle aria-hidden />}
    >
      {described.message}
      <RequestId id={described.requestId} />
      {children}
    </Alert>
  );
}
