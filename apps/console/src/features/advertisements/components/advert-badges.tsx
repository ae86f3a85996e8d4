import type { AdvertisementRecord } from "@firebreak/domain";
import { Badge } from "@mantine/core";

export function AdvertStateBadge({ state }: { state: AdvertisementRecord["state"] }) {
  if (state === "ACTIVE")
    return (
      <Badge color="green" variant="light">
        Active
      </Badge>
    );
  if (state === "DISABLED")
    return (
      <Badge color="gray" variant="light">
        Disabled
      </Badge>
    );
  return (
    <Badge color="gray" variant="outline">
      Deleted
    </Badge>
  );
}

export function MandatoryBadge({ mandatory }: { mandatory: boolean }) {
  return mandatory ? (
    <Badge color="indigo" variant="filled">
      Mandatory
    </Badge>
  ) : (
    <Badge color="gray" variant="light">
      Optional
    </Badge>
  );
}

/** Whether slow-link (dial-up, remote boundary) clients are forced: the emergency-relevant fact. */
export function SlowLinkBadge({
  advert,
}: {
  advert: Pick<AdvertisementRecord, "mandatory" | "forcesSlowBoundaryClients" | "mandatoryOverSlowLinks">;
}) {
  if (!advert.mandatory)
    return (
      <Badge color="gray" variant="light">
        —
      </Badge>
    );
  if (advert.forcesSlowBoundaryClients) {
    return (
      <Badge color="#9a3a08" variant="filled">
        Forced over slow links
      </Badge>
    );
  }
  return (
    <Badge color="blue" variant="light">
      {advert.mandatoryOverSlowLinks ? "Slow links: no remote DP" : "Not mandatory over slow links"}
    </Badge>
  );
}
