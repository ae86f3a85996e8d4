import type { CaseDetail } from "@firebreak/domain";
import { Button } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconArrowBackUp } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { useProcessAccess } from "../../process/process-access";
import { rollbackQueries } from "../rollbacks.queries";
import { OpenRollbackModal } from "./open-rollback-modal";

/** Case states whose update reached computers: the ones a rollback can follow. */
const ROLLBACK_STATES: readonly CaseDetail["status"][] = [
  "DEPLOYING",
  "DEPLOYED",
  "HALTED",
  "ROLLING_BACK",
  "ROLLED_BACK",
];

/**
 * On the case page of a deployed or halted update: the open rollback of the update, or
 * "Roll back this update…" to request one.
 */
export function CaseRollbackButton({ caseDetail }: { caseDetail: CaseDetail }) {
  const relevant = ROLLBACK_STATES.includes(caseDetail.status);
  const rollbacks = useQuery({
    ...rollbackQueries.list({ updateId: caseDetail.updateId, open: true }),
    enabled: relevant,
  });
  const access = useProcessAccess();
  const [opened, modal] = useDisclosure(false);
  if (!relevant || !rollbacks.isSuccess) return null;
  const open = rollbacks.data.items[0];
  if (open)
    return (
      <Button
        component={Link}
        to={`/rollbacks/${open.id}`}
        variant="light"
        color="orange"
        leftSection={<IconArrowBackUp size={16} aria-hidden />}
      >
        {`Open the rollback of ${caseDetail.kbNumber}`}
      </Button>
    );
  if (caseDetail.status === "ROLLED_BACK" || !access.can("workRelease")) return null;
  return (
    <>
      <Button
        variant="outline"
        color="orange"
        leftSection={<IconArrowBackUp size={16} aria-hidden />}
        onClick={modal.open}
      >
        Roll back this update…
      </Button>
      <OpenRollbackModal
        opened={opened}
        onClose={modal.close}
        update={{ id: caseDetail.updateId, kbNumber: caseDetail.kbNumber, title: caseDetail.title }}
      />
    </>
  );
}
