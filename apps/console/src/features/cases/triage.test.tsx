import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { caseSummary, slaClockAt, uuid } from "../../../test/process-fixtures";
import { mockApi, sessionFor } from "../../../test/mock-api";
import { renderApp } from "../../../test/render-app";
import { groupCasesByPhase } from "./board";
import { parseTriageSearch, triageSearchFrom } from "./triage.search-params";

const page = (items: ReturnType<typeof caseSummary>[]) => ({ items, page: 1, pageSize: 500, total: items.length });

const cases = [
  caseSummary({
    id: uuid(1),
    kbNumber: "KB823980",
    bulletinId: "MS03-026",
    title: "RPC interface (Blaster)",
    status: "DETECTED",
    phase: "IDENTIFY",
    priority: null,
    sla: null,
  }),
  caseSummary({ id: uuid(2), kbNumber: "KB833987", title: "GDI+ JPEG", status: "EVALUATING", phase: "EVALUATE_PLAN" }),
  caseSummary({
    id: uuid(3),
    kbNumber: "KB835732",
    title: "LSASS (Sasser)",
    status: "DEPLOYING",
    phase: "DEPLOY",
    priority: "EMERGENCY",
    priorityConfirmed: true,
    sla: slaClockAt(21),
    openTests: 2,
    alerts: ['Core test "Logon" failed after deployment started'],
  }),
  caseSummary({
    id: uuid(4),
    kbNumber: "KB824146",
    title: "RPCSS (late)",
    status: "DEPLOYING",
    phase: "DEPLOY",
    priority: "EMERGENCY",
    priorityConfirmed: true,
    sla: slaClockAt(400),
  }),
];

async function openBoard(role: "ERT_MEMBER" | "OBSERVER" = "ERT_MEMBER", url = "/triage") {
  const api = mockApi({
    "GET /api/auth/session": { body: sessionFor(role) },
    "GET /api/cases": { body: page(cases) },
  });
  const app = renderApp(url);
  await screen.findByRole("heading", { name: "Triage", level: 1 });
  await screen.findByRole("region", { name: "Identify" });
  return { api, ...app };
}

const column = (name: string) => screen.getByRole("region", { name });
const card = (title: string) => screen.getByRole("article", { name: title });

describe("Triage board", () => {
  it("groups cases into phase columns, most urgent first", async () => {
    await openBoard();
    expect(within(column("Identify")).getByRole("link", { name: "RPC interface (Blaster)" })).toBeInTheDocument();
    expect(within(column("Evaluate & Plan")).getByRole("link", { name: "GDI+ JPEG" })).toBeInTheDocument();
    const deploy = within(column("Deploy")).getAllByRole("article");
    // The breached clock comes before the one merely at risk.
    expect(deploy.map((a) => a.getAttribute("aria-labelledby"))).toEqual([
      `case-${uuid(4)}-heading`,
      `case-${uuid(3)}-heading`,
    ]);
    expect(within(column("Assess (closed)")).getByText("Closed cases are hidden.")).toBeInTheDocument();
  });

  it("says the SLA state in words, with the time left to target and maximum", async () => {
    await openBoard();
    const atRisk = card("LSASS (Sasser)");
    expect(within(atRisk).getByText("SLA: At risk")).toBeInTheDocument();
    expect(within(atRisk).getByText(/^2 h 59 min left to target|^3 h left to target/)).toBeInTheDocument();
    expect(within(atRisk).getByText(/left to the maximum$/)).toBeInTheDocument();
    const late = card("RPCSS (late)");
    expect(within(late).getByText("SLA: Breached")).toBeInTheDocument();
    expect(within(late).getByText(/^maximum passed 2 d \d+ h ago$|^maximum passed 2 d ago$/)).toBeInTheDocument();
    expect(within(card("GDI+ JPEG")).getByText("SLA: On track")).toBeInTheDocument();
  });

  it("keeps vendor severity and release priority apart, and shows tests and alerts", async () => {
    await openBoard();
    const sasser = card("LSASS (Sasser)");
    expect(within(sasser).getByText("Vendor: Critical")).toBeInTheDocument();
    expect(within(sasser).getByText("Emergency · confirmed")).toBeInTheDocument();
    expect(within(card("GDI+ JPEG")).getByText("High · initial")).toBeInTheDocument();
    expect(within(card("RPC interface (Blaster)")).getByText("No priority yet")).toBeInTheDocument();
    expect(within(sasser).getByText("2 open tests")).toBeInTheDocument();
    expect(within(sasser).getByText(/Alert: Core test "Logon" failed/)).toBeInTheDocument();
    expect(screen.getByRole("complementary", { name: "How to read the badges" })).toHaveTextContent(
      "A Critical rating does not make a release an Emergency",
    );
  });

  it("keeps the filters in the URL and asks the API for them", async () => {
    const { api, user, router } = await openBoard("ERT_MEMBER", "/triage?priority=EMERGENCY&open=false");
    expect(api.callsTo("GET", "/api/cases")[0]?.search.get("priority")).toBe("EMERGENCY");
    expect(api.callsTo("GET", "/api/cases")[0]?.search.get("open")).toBeNull();
    await user.click(screen.getByRole("switch", { name: /Only open cases/ }));
    await waitFor(() => expect(router.state.location.search).toBe("?priority=EMERGENCY"));
    await waitFor(() => expect(api.callsTo("GET", "/api/cases").at(-1)?.search.get("open")).toBe("true"));
  });

  it("moves between cards with the arrow keys", async () => {
    const { user } = await openBoard();
    within(column("Deploy")).getAllByRole("link")[0]?.focus();
    await user.keyboard("{ArrowDown}");
    expect(document.activeElement).toHaveTextContent("LSASS (Sasser)");
    await user.keyboard("{ArrowLeft}");
    expect(document.activeElement).toHaveTextContent("GDI+ JPEG");
    await user.keyboard("{ArrowLeft}");
    expect(document.activeElement).toHaveTextContent("RPC interface (Blaster)");
  });

  it("offers recording updates and opening cases to triage roles only, and says why", async () => {
    await openBoard("OBSERVER");
    expect(screen.queryByRole("button", { name: "Record an update" })).not.toBeInTheDocument();
    expect(
      screen.getByText(/Recording updates and opening cases needs the ERT lead or ERT member \/ patch team role/),
    ).toBeInTheDocument();
  });

  it("validates a new update with the domain schema before sending it", async () => {
    const { user, api } = await openBoard();
    await user.click(screen.getByRole("button", { name: "Record an update" }));
    const dialog = await screen.findByRole("dialog", { name: "Record a software update" });
    await user.type(within(dialog).getByRole("textbox", { name: "KB number" }), "835732");
    await user.click(within(dialog).getByRole("button", { name: "Record update" }));
    expect(await within(dialog).findByText("A KB number is KB followed by digits, e.g. KB835732")).toBeInTheDocument();
    expect(within(dialog).getByText("Enter the release date")).toBeInTheDocument();
    expect(within(dialog).getByText("List at least one affected product")).toBeInTheDocument();
    expect(api.callsTo("POST", "/api/updates")).toHaveLength(0);
  });
});

describe("board helpers", () => {
  it("round-trips the filters through the URL, dropping unknown values", () => {
    const filters = parseTriageSearch(new URLSearchParams("priority=HIGH&phase=NOPE&open=false"));
    expect(filters).toEqual({ priority: "HIGH", open: false });
    expect(triageSearchFrom(filters).toString()).toBe("priority=HIGH&open=false");
    expect(triageSearchFrom({ open: true }).toString()).toBe("");
  });

  it("puts every case in its phase's column", () => {
    const columns = groupCasesByPhase(cases, Date.now());
    expect(columns.map((c) => [c.phase, c.cases.length])).toEqual([
      ["IDENTIFY", 1],
      ["EVALUATE_PLAN", 1],
      ["DEPLOY", 2],
      ["ASSESS", 0],
    ]);
  });
});
