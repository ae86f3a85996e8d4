import { AdvertisementMonitorSchema } from "@firebreak/domain";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { monitorKeys, monitorStreamPath } from "./monitoring.queries";

export type StreamStatus = "connecting" | "live" | "paused" | "ended";

export interface MonitorStream {
  status: StreamStatus;
  /** Why the stream is paused or ended, in words. */
  reason: string | null;
  /** When the last snapshot arrived over the stream (epoch ms). */
  lastEventAt: number | null;
  reconnect: () => void;
}

/** Browsers without EventSource (none the console supports, but tests and odd embeds) poll instead. */
const streamsSupported = () => typeof EventSource !== "undefined";

/**
 * Keeps the advertisement monitor in the query cache live from the SSE stream (`event: monitor`).
 * EventSource reconnects by itself after a dropped connection (the server asks for 5 s); until
 * then the status is "paused" and the screen says so. `end` (signed out) and `gone` (deleted)
 * close the stream for good.
 */
export function useMonitorStream(advertisementId: string): MonitorStream {
  const queryClient = useQueryClient();
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<Omit<MonitorStream, "reconnect">>(() =>
    streamsSupported()
      ? { status: "connecting", reason: null, lastEventAt: null }
      : { status: "paused", reason: "This browser cannot receive live updates.", lastEventAt: null },
  );

  useEffect(() => {
    if (!streamsSupported()) return;
    const source = new EventSource(monitorStreamPath(advertisementId), { withCredentials: true });
    source.addEventListener("open", () => setState((s) => ({ ...s, status: "live", reason: null })));
    source.addEventListener("monitor", (event) => {
      let data: unknown;
      try {
        data = JSON.parse((event as MessageEvent<string>).data);
      } catch {
        return;
      }
      const parsed = AdvertisementMonitorSchema.safeParse(data);
      if (!parsed.success) return;
      queryClient.setQueryData(monitorKeys.advertisement(advertisementId), parsed.data);
      setState({ status: "live", reason: null, lastEventAt: Date.now() });
    });
    source.addEventListener("end", () => {
      source.close();
      setState((s) => ({ ...s, status: "ended", reason: "Your session ended. Sign in again for live updates." }));
    });
    source.addEventListener("gone", () => {
      source.close();
      setState((s) => ({ ...s, status: "ended", reason: "The advertisement was deleted." }));
    });
    source.addEventListener("error", () => {
      setState((s) =>
        s.status === "ended"
          ? s
          : {
              ...s,
              status: "paused",
              reason:
                source.readyState === EventSource.CLOSED
                  ? "The server closed the live connection."
                  : "The live connection dropped; reconnecting.",
            },
      );
    });
    return () => source.close();
  }, [advertisementId, attempt, queryClient]);

  return {
    ...state,
    reconnect: () => {
      setState((s) => ({ ...s, status: "connecting", reason: null }));
      setAttempt((n) => n + 1);
    },
  };
}
