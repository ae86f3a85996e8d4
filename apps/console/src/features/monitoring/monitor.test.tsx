import { act, screen, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { monitor } from "../../../test/process-fixtures";
import { advertisement, FLEET } from "../../../test/fleet-fixtures";
import { mockApi, sessionFor } from "../../../test/mock-api";
import { renderApp } from "../../../test/render-app";

/** A stand-in for the browser's EventSource: the test opens, feeds and breaks the stream. */
class FakeEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static instances: FakeEventSource[] = [];
  readyState = FakeEventSource.CONNECTING;
  private listeners = new Map<string, ((event: MessageEvent<string>) => void)[]>();
  constructor(
    readonly url: string,
    readonly init?: EventSourceInit,
  ) {
    FakeEventSource.instances.push(this);
  }
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close() {
    this.readyState = FakeEventSource.CLOSED;
  }
  emit(type: string, data = "") {
    if (type === "open") this.readyState = FakeEventSource.OPEN;
    for (const listener of this.listeners.get(type) ?? []) listener(new MessageEvent(type, { data }));
  }
}

const MONITOR = `${FLEET}/advertisements/CEN20001/monitor`;

async function openMonitor() {
  const api = mockApi({
    "GET /api/auth/session": { body: sessionFor("OBSERVER") },
    [`GET ${MONITOR}`]: { body: monitor() },
    [`GET ${FLEET}/advertisements/CEN20001`]: { body: advertisement({ mandatory: true }) },
  });
  const app = renderApp("/deployments/CEN20001");
  await screen.findByRole("heading", { level: 1, name: /Deployment/ });
  return { api, ...app };
}

const headline = () => screen.getByRole("region", { name: "Headline figures" });
const latest = () => FakeEventSource.instances.at(-1) as FakeEventSource;

describe("Deployment monitor", () => {
  beforeEach(() => {
    FakeEventSource.instances = [];
    vi.stubGlobal("EventSource", FakeEventSource);
  });

  it("shows the big numbers, the breakdowns and the failures with their meaning", async () => {
    await openMonitor();
    expect(within(headline()).getByText("100,000")).toBeInTheDocument();
    expect(within(headline()).getByText("87,270")).toBeInTheDocument();
    expect(within(headline()).getByText("87.3 %")).toBeInTheDocument();
    expect(within(headline()).getByText("1,390")).toBeInTheDocument();
    expect(within(headline()).getByText("2,290")).toBeInTheDocument();
    const sites = screen.getByRole("region", { name: "By site" });
    expect(within(sites).getByRole("row", { name: /NYC/ })).toHaveTextContent("80.7 %");
    expect(
      within(screen.getByRole("region", { name: "By link class" })).getByRole("row", { name: /Dial-up/ }),
    ).toHaveTextContent("52.7 %");
    expect(
      within(screen.getByRole("region", { name: "Failures by exit code" })).getByRole("row", { name: /1603/ }),
    ).toHaveTextContent("Fatal error during installation");
    expect(within(screen.getByRole("region", { name: "Never reported" })).getByText("NYC-LT00069")).toBeInTheDocument();
    expect(screen.getByText(/Coverage rose from 0\.0 % .* to 87\.3 %/)).toBeInTheDocument();
  });

  it("goes live on the stream and replaces the figures with each snapshot", async () => {
    await openMonitor();
    expect(latest().url).toBe(`${MONITOR}/stream`);
    expect(screen.getByRole("status")).toHaveTextContent("Connecting…");
    act(() => latest().emit("open"));
    expect(screen.getByRole("status")).toHaveTextContent("Live");
    act(() =>
      latest().emit(
        "monitor",
        JSON.stringify(monitor({ succeeded: 95_500, compliancePct: 95.5, generatedAt: "2026-05-01T12:05:00.000Z" })),
      ),
    );
    expect(within(headline()).getByText("95,500")).toBeInTheDocument();
    expect(within(headline()).getByText("95.5 %")).toBeInTheDocument();
  });

  it("says live updates are paused when the stream drops, and reconnects on request", async () => {
    const { user } = await openMonitor();
    act(() => latest().emit("open"));
    act(() => latest().emit("error"));
    expect(screen.getByRole("status")).toHaveTextContent("Live updates paused");
    expect(
      screen.getByText(/The live connection dropped; reconnecting\. Meanwhile the figures refresh every 30 s\./),
    ).toBeInTheDocument();
    const before = FakeEventSource.instances.length;
    await user.click(screen.getByRole("button", { name: "Reconnect now" }));
    expect(FakeEventSource.instances.length).toBe(before + 1);
    expect(FakeEventSource.instances[before - 1]?.readyState).toBe(FakeEventSource.CLOSED);
  });

  it("stops for good when the session ends", async () => {
    await openMonitor();
    act(() => latest().emit("end"));
    expect(screen.getByText(/Your session ended/)).toBeInTheDocument();
    expect(latest().readyState).toBe(FakeEventSource.CLOSED);
  });
});
