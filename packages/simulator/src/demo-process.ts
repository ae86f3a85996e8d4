// Fills the triage board and the war room of a running Firebreak with the demo story, through the
// API only: real bulletins of the era as software updates, cases in different phases, and the
// live Sasser emergency on the release the simulator plays. Usage:
//   pnpm --filter @firebreak/simulator demo-process [--url http://localhost:3000]
// It is idempotent in effect: an update or case that exists already is left as it is.
import { DEMO_PASSWORD, type CaseDetail, type SoftwareUpdateRecord } from "@firebreak/domain";
import { FirebreakClient, isApiCode } from "./client/firebreak-client.js";

/**
 * Bulletins and facts (checked against the bulletins' own dates): MS03-026 (KB823980, 16 Jul
 * 2003) was exploited by the Blaster worm from 11 Aug 2003; MS04-011 (KB835732, 13 Apr 2004) by
 * Sasser from 30 Apr 2004; MS05-039 (KB899588, 9 Aug 2005) by Zotob from 14 Aug 2005; MS03-039
 * (KB824146, 10 Sep 2003) fixed further RPCSS flaws; MS04-028 (KB833987, 14 Sep 2004) the GDI+
 * JPEG flaw. Package sizes are illustrative.
 */
const uninstall = (kb: string) => `%windir%\\$NtUninstall${kb}$\\spuninst\\spuninst.exe /quiet /norestart`;
const update = (o: {
  bulletinId: string;
  kb: string;
  title: string;
  releasedAt: string;
  sizeKB: number;
  products: string[];
  severity?: string;
}) => ({
  bulletinId: o.bulletinId,
  kbNumber: o.kb,
  title: o.title,
  classification: "SECURITY_UPDATE",
  vendorSeverity: o.severity ?? "CRITICAL",
  products: o.products,
  releasedAt: o.releasedAt,
  sizeKB: o.sizeKB,
  installerEngine: "UPDATE_EXE",
  installCommand: `WindowsXP-${o.kb}-x86-ENU.exe /quiet /norestart`,
  rollbackability: "REMOVABLE",
  uninstallCommand: uninstall(o.kb),
  detectionRule: { registryKey: `HKLM\\SOFTWARE\\Microsoft\\Updates\\Windows XP\\SP2\\${o.kb}` },
  requiresRestart: "YES",
});

const UPDATES = {
  sasser: update({
    bulletinId: "MS04-011",
    kb: "KB835732",
    title: "Security Update for Microsoft Windows (LSASS) — exploited by Sasser",
    releasedAt: "2004-04-13T17:00:00.000Z",
    sizeKB: 5120,
    products: ["Windows XP", "Windows 2000", "Windows Server 2003"],
  }),
  blaster: update({
    bulletinId: "MS03-026",
    kb: "KB823980",
    title: "Buffer Overrun In RPC Interface Could Allow Code Execution — exploited by Blaster",
    releasedAt: "2003-07-16T17:00:00.000Z",
    sizeKB: 1300,
    products: ["Windows XP", "Windows 2000", "Windows Server 2003", "Windows NT 4.0"],
  }),
  rpcss: update({
    bulletinId: "MS03-039",
    kb: "KB824146",
    title: "Buffer Overrun In RPCSS Service Could Allow Code Execution",
    releasedAt: "2003-09-10T17:00:00.000Z",
    sizeKB: 1400,
    products: ["Windows XP", "Windows 2000", "Windows Server 2003"],
  }),
  gdiplus: update({
    bulletinId: "MS04-028",
    kb: "KB833987",
    title: "Buffer Overrun in JPEG Processing (GDI+) Could Allow Code Execution",
    releasedAt: "2004-09-14T17:00:00.000Z",
    sizeKB: 2900,
    products: ["Windows XP", "Office XP", "Office 2003"],
  }),
  zotob: update({
    bulletinId: "MS05-039",
    kb: "KB899588",
    title: "Vulnerability in Plug and Play Could Allow Remote Code Execution — exploited by Zotob",
    releasedAt: "2005-08-09T17:00:00.000Z",
    sizeKB: 900,
    products: ["Windows 2000", "Windows XP", "Windows Server 2003"],
  }),
};

const HASH = "3b0a0f7c2d8e9a41b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9012345";
const rationale = {
  assetsExposed: "Every Windows XP and 2000 workstation and the branch servers",
  mitigations: "Port 445 blocked at the perimeter only",
  scope: "All workstations and member servers",
  exploitedInTheWild: true,
};

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

async function signIn(url: string, username: string) {
  const c = new FirebreakClient({ baseUrl: url, retries: 3 });
  await c.login(username, process.env.FIREBREAK_PASSWORD ?? DEMO_PASSWORD);
  return c;
}

async function main() {
  const url = arg("url", "http://localhost:3000");
  const member = await signIn(url, "ert-member");
  const lead = await signIn(url, "ert-lead");
  const sms = await signIn(url, "sms-admin");
  const session = { auth: { kind: "session" as const } };

  const known = new Map(
    (await member.request<{ items: SoftwareUpdateRecord[] }>("GET", "/api/updates", session)).items.map((u) => [
      u.record.kbNumber,
      u,
    ]),
  );
  const ensureUpdate = async (body: ReturnType<typeof update>) =>
    known.get(body.kbNumber) ??
    (await member.request<SoftwareUpdateRecord>("POST", "/api/updates", { ...session, body, idempotent: false }));
  const ids: Record<keyof typeof UPDATES, SoftwareUpdateRecord> = {} as never;
  for (const [key, body] of Object.entries(UPDATES)) ids[key as keyof typeof UPDATES] = await ensureUpdate(body);

  const board = await member.request<{ items: { updateId: string; id: string }[] }>(
    "GET",
    "/api/cases?pageSize=200",
    session,
  );
  const openCase = async (u: SoftwareUpdateRecord): Promise<CaseDetail | null> => {
    if (board.items.some((c) => c.updateId === u.id)) return null; // told once already
    return member.request<CaseDetail>("POST", "/api/cases", {
      ...session,
      body: { updateId: u.id },
      idempotent: false,
    });
  };
  const act = async (client: FirebreakClient, c: CaseDetail, body: Record<string, unknown>) =>
    client.request<CaseDetail>("POST", `/api/cases/${c.id}/actions`, {
      ...session,
      body,
      headers: { "if-match": `W/"${c.version}"` },
      idempotent: false,
    });

  /** Identify: relevance, verified source files (G1, G2), then the RFC with the initial priority (G3). */
  const identify = async (
    c: CaseDetail,
    evidence: string,
    rfc: { initialPriority: string; category: string; rationale: string },
  ) => {
    c = await act(member, c, { type: "markRelevant", evidence });
    c = await act(member, c, {
      type: "verifySource",
      hash: HASH,
      checks: { genuine: true, virusFree: true, installsCleanly: true },
    });
    return act(member, c, { type: "submitRfc", ...rfc });
  };

  // Zotob's Plug and Play flaw: our workstations are XP SP2 with the firewall on; judged not an emergency.
  let c = await openCase(ids.zotob);
  if (c) {
    c = await identify(c, "Windows 2000 servers in the branches", {
      initialPriority: "HIGH",
      category: "SIGNIFICANT",
      rationale: "Critical rating, but only Windows 2000 is remotely exposed here",
    });
  }
  // GDI+ JPEG: relevant, waiting in Evaluate & Plan.
  c = await openCase(ids.gdiplus);
  if (c) {
    c = await identify(c, "Office XP and 2003 on every desk", {
      initialPriority: "HIGH",
      category: "SIGNIFICANT",
      rationale: "A crafted JPEG in mail or on a web page runs code",
    });
    c = await act(member, c, { type: "startEvaluation" });
  }
  // MS03-039: superseded in practice by the next rollup; deferred.
  c = await openCase(ids.rpcss);
  if (c) {
    c = await identify(c, "RPCSS runs on every Windows machine", {
      initialPriority: "MEDIUM",
      category: "STANDARD",
      rationale: "Mitigated by the MS03-026 rollout and perimeter filtering",
    });
    c = await act(member, c, { type: "startEvaluation" });
    c = await act(lead, c, {
      type: "confirmPriority",
      finalPriority: "MEDIUM",
      rationale: { ...rationale, exploitedInTheWild: false, mitigations: "RPC ports filtered at every site boundary" },
    });
    c = await act(member, c, { type: "defer", reason: "Ship with the next update rollup for Windows XP" });
  }
  // Blaster: a new alert just in, in Identify.
  await openCase(ids.blaster);

  // Sasser: the live emergency, on the release the simulator plays (CEN0001A / CEN20001).
  c = await openCase(ids.sasser);
  if (c) {
    c = await identify(c, "LSASS is on every XP and 2000 machine", {
      initialPriority: "EMERGENCY",
      category: "MAJOR",
      rationale: "Sasser is spreading in the wild and hit two branches",
    });
    c = await act(member, c, { type: "startEvaluation" });
    c = await act(lead, c, { type: "confirmPriority", finalPriority: "EMERGENCY", rationale });
    c = await act(member, c, { type: "plan" });
    c = await act(sms, c, { type: "build", packageId: "CEN0001A" });
    c = await member.request<CaseDetail>("POST", `/api/cases/${c.id}/tests`, {
      ...session,
      body: { name: "Logon, file and print work", scope: "CORE" },
      idempotent: false,
    });
    c = await member.request<CaseDetail>("POST", `/api/cases/${c.id}/tests`, {
      ...session,
      body: { name: "Line-of-business applications regression", scope: "FULL" },
      idempotent: false,
    });
    c = await act(sms, c, { type: "startTesting", packageId: "CEN0001A" });
    const core = c.tests.find((t) => t.scope === "CORE")!;
    c = await member.request<CaseDetail>("POST", `/api/cases/${c.id}/tests/${core.id}/result`, {
      ...session,
      body: { result: "PASSED" },
      headers: { "if-match": `W/"${core.version}"` },
      idempotent: false,
    });
    c = await act(lead, c, {
      type: "acceptReducedTesting",
      rationale: "Infections are rising; core functions verified on the pilot",
    });
    c = await act(member, c, { type: "acceptRelease" });
    try {
      c = await act(sms, c, { type: "startDeployment", advertisementId: "CEN20001" });
    } catch (err) {
      if (!isApiCode(err, "ILLEGAL_TRANSITION") && !isApiCode(err, "VALIDATION_FAILED")) throw err;
      console.warn(`The Sasser case stays READY: ${(err as Error).message}`);
    }
    if (await lead.hasRoute("POST", "/api/emergencies")) {
      await lead.request("POST", "/api/emergencies", {
        ...session,
        body: { type: "WORM_OUTBREAK", title: "Sasser worm outbreak (MS04-011)", caseIds: [c.id] },
        idempotent: false,
      });
    }
  }
  console.log(
    "Demo cases are in: Sasser (emergency, deploying), Blaster (new alert), GDI+ (evaluating), Zotob (RFC submitted), MS03-039 (deferred).",
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
