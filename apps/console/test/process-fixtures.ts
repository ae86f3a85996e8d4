import {
  newUpdateCase,
  type AdvertisementMonitor,
  type CaseDetail,
  type CaseSummary,
  type ChecklistPreview,
  type OobTaskRecord,
  type SlaClockView,
  type SoftwareUpdateRecord,
  type WarRoom,
} from "@firebreak/domain";
import { sessionFor } from "./mock-api";

/** Process records as the API returns them (they pass the response schemas the console parses with). */
export const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
export const FLEET_ID = uuid(1);

/** An SLA clock of a 24 h target / 336 h maximum window, `hoursIn` hours after it started. */
export function slaClockAt(hoursIn: number, o: Partial<SlaClockView> = {}): SlaClockView {
  const now = Date.now();
  const start = now - hoursIn * HOUR;
  const target = start + 24 * HOUR;
  const max = start + 336 * HOUR;
  const state =
    now > max ? "BREACHED" : now > target ? "TARGET_MISSED" : now > target - 6 * HOUR ? "AT_RISK" : "ON_TRACK";
  return {
    priority: "EMERGENCY",
    startedAt: iso(start),
    targetAt: iso(target),
    maxAt: iso(max),
    atRiskAt: iso(target - 6 * HOUR),
    msToTarget: target - now,
    msToMax: max - now,
    state,
    closed: false,
    ...o,
  };
}

export const caseSummary = (o: Partial<CaseSummary> & Pick<CaseSummary, "id">): CaseSummary => ({
  version: 3,
  fleetId: FLEET_ID,
  updateId: uuid(900),
  kbNumber: "KB835732",
  bulletinId: "MS04-011",
  title: "Security Update for Microsoft Windows (LSASS)",
  vendorSeverity: "CRITICAL",
  status: "EVALUATING",
  phase: "EVALUATE_PLAN",
  priority: "HIGH",
  priorityConfirmed: false,
  sla: slaClockAt(2, { priority: "HIGH" }),
  emergencyId: null,
  openTests: 0,
  alerts: [],
  openedAt: "2026-05-01T10:00:00.000Z",
  updatedAt: "2026-05-01T10:00:00.000Z",
  ...o,
});

export const updateRecord = (o: Partial<SoftwareUpdateRecord["record"]> = {}): SoftwareUpdateRecord => ({
  id: uuid(900),
  version: 1,
  createdAt: "2026-05-01T09:00:00.000Z",
  record: {
    bulletinId: "MS04-011",
    kbNumber: "KB835732",
    title: "Security Update for Microsoft Windows (LSASS)",
    classification: "SECURITY_UPDATE",
    vendorSeverity: "CRITICAL",
    products: ["Windows XP", "Windows 2000"],
    releasedAt: "2004-04-13T17:00:00.000Z",
    sizeKB: 5120,
    installerEngine: "UPDATE_EXE",
    installCommand: "WindowsXP-KB835732-x86-ENU.exe /quiet /norestart",
    rollbackability: "REMOVABLE",
    uninstallCommand: "%windir%\\$NtUninstallKB835732$\\spuninst\\spuninst.exe /quiet",
    detectionRule: { registryKey: "HKLM\\SOFTWARE\\Microsoft\\Updates\\Windows XP\\SP2\\KB835732" },
    requiresRestart: "YES",
    supersedes: [],
    touchesFiles: [],
    rollbackNotes: null,
    ...o,
  },
});

const lead = sessionFor("ERT_LEAD").user;
const member = sessionFor("ERT_MEMBER").user;

export const caseDetail = (o: Partial<CaseDetail> = {}): CaseDetail => {
  const summary = caseSummary({ id: uuid(10) });
  return {
    ...summary,
    status: "TESTING",
    phase: "EVALUATE_PLAN",
    priority: "EMERGENCY",
    priorityConfirmed: true,
    sla: slaClockAt(4),
    record: {
      ...newUpdateCase(),
      status: "TESTING",
      relevance: {
        relevant: true,
        note: "Every XP workstation",
        decidedBy: member.id,
        decidedAt: "2026-05-01T10:01:00.000Z",
      },
      rfc: {
        initialPriority: "EMERGENCY",
        category: "MAJOR",
        rationale: "Sasser is spreading in the wild",
        submittedBy: member.id,
        submittedAt: "2026-05-01T10:05:00.000Z",
      },
      priorityConfirmation: {
        finalPriority: "EMERGENCY",
        category: "MAJOR",
        rationale: {
          assetsExposed: "Every workstation",
          mitigations: "Port 445 blocked at the perimeter",
          scope: "All workstations",
          exploitedInTheWild: true,
        },
        confirmedBy: lead.id,
        confirmedByRole: "ERT_LEAD",
        underAuthorityGrant: false,
        confirmedAt: "2026-05-01T10:10:00.000Z",
      },
      packageId: "CEN0001A",
      sla: { priority: "EMERGENCY", since: "2026-05-01T10:05:00.000Z", stoppedAt: null },
    },
    update: updateRecord(),
    tests: [
      {
        id: uuid(30),
        name: "Logon, file and print work",
        scope: "CORE",
        result: "PASSED",
        executedAt: "2026-05-01T11:00:00.000Z",
        executedBy: "ert-member",
        notes: null,
        skipReason: null,
        version: 2,
      },
      {
        id: uuid(31),
        name: "Line-of-business applications",
        scope: "FULL",
        result: "PENDING",
        executedAt: null,
        executedBy: null,
        notes: null,
        skipReason: null,
        version: 1,
      },
    ],
    availableActions: [
      { action: "acceptReducedTesting", label: "Accept reduced testing", enabled: true, gate: "G5" },
      {
        action: "acceptRelease",
        label: "Accept release",
        enabled: false,
        gate: "G5",
        reason:
          "G5 Release built and accepted is not met: the ERT lead must record acceptance of reduced testing first.",
      },
    ],
    suggestion: {
      suggested: "EMERGENCY",
      rule: "CRITICAL_EXPLOITED",
      reasons: [
        "This is a suggestion only: a named person confirms the release priority in Evaluate & Plan.",
        "Critical and exploited in the wild: treat it as an Emergency.",
      ],
    },
    timeline: [
      {
        seq: "1",
        at: "2026-05-01T10:10:00.000Z",
        type: "PRIORITY_CONFIRMED",
        actorName: "ert-lead",
        actorRole: "ERT_LEAD",
        underAuthorityGrant: false,
        caseId: uuid(10),
        emergencyId: null,
        summary: "Priority Emergency confirmed",
        payload: {},
      },
    ],
    ...o,
  };
};

export const EMERGENCY_ID = uuid(50);

export const warRoom = (o: Partial<WarRoom> = {}): WarRoom => ({
  emergency: {
    id: EMERGENCY_ID,
    version: 4,
    fleetId: FLEET_ID,
    record: {
      type: "WORM_OUTBREAK",
      state: "ACTIVE",
      title: "Sasser worm outbreak",
      declaredById: lead.id,
      declaredAt: "2026-05-01T10:20:00.000Z",
      activatedAt: "2026-05-01T10:25:00.000Z",
      closedAt: null,
      closingSummary: null,
      caseIds: [uuid(10)],
      isDrill: false,
      drillId: null,
    },
  },
  cases: [
    caseSummary({ id: uuid(10), status: "DEPLOYING", phase: "DEPLOY", priority: "EMERGENCY", priorityConfirmed: true }),
  ],
  roster: [
    {
      userId: lead.id,
      username: "ert-lead",
      displayName: "Test ert_lead",
      role: "ERT_LEAD",
      authority: "LEAD",
      grantExpiresAt: null,
    },
    {
      userId: member.id,
      username: "ert-member",
      displayName: "Evan Member",
      role: "ERT_MEMBER",
      authority: null,
      grantExpiresAt: null,
    },
  ],
  grants: [],
  timeline: [
    {
      seq: "5",
      at: "2026-05-01T10:20:00.000Z",
      type: "EMERGENCY_DECLARED",
      actorName: "ert-lead",
      actorRole: "ERT_LEAD",
      underAuthorityGrant: false,
      caseId: null,
      emergencyId: EMERGENCY_ID,
      summary: "Worm outbreak declared: Sasser worm outbreak",
      payload: {},
    },
  ],
  checklistApplications: [],
  oobTaskCounts: { OPEN: 0, ASSIGNED: 0, IN_PROGRESS: 0, DONE: 0, FAILED: 0, NOT_NEEDED: 0 },
  ...o,
});

const schedule = (usage: number) => Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => usage));

export const checklistPreview = (o: Partial<ChecklistPreview> = {}): ChecklistPreview => {
  const preview = previewBase(o);
  // As the API answers before anything is applied: every planned change is still to do.
  if (!o.toApply) preview.toApply.changes = preview.plan.items.flatMap((i) => i.changes);
  return preview;
};

const previewBase = (o: Partial<ChecklistPreview>): ChecklistPreview => ({
  emergencyId: EMERGENCY_ID,
  emergencyVersion: 4,
  caseId: uuid(10),
  advertisementId: "CEN20001",
  packageId: "CEN0001A",
  collectionId: "CEN00010",
  deadline: "2026-05-02T10:05:00.000Z",
  deadlineSource: "SLA_TARGET",
  plannedAt: "2026-05-01T10:30:00.000Z",
  plan: {
    items: [
      {
        key: "MANDATORY_ON_SLOW_LINKS",
        title: "Make the advertisement mandatory, also over slow links",
        explanation: "Emergency packages are advertised as mandatory.",
        applicable: true,
        declined: false,
        changes: [
          {
            entity: "ADVERTISEMENT",
            id: "CEN20001",
            before: { mandatory: false, mandatoryOverSlowLinks: false },
            after: { mandatory: true, mandatoryOverSlowLinks: true },
            summary: 'Advertisement CEN20001: clear "Assignments are not mandatory over slow links".',
          },
        ],
        tasks: [],
        notes: [],
      },
      {
        key: "RELAX_SENDERS",
        title: "Lift the restrictions on the sender addresses to the target sites",
        explanation: "All restrictions on the intersite senders are removed.",
        applicable: true,
        declined: false,
        changes: [
          {
            entity: "SENDER_ADDRESS",
            id: "CEN>ABZ",
            before: { usageSchedule: schedule(4), rateLimit: { mode: "PULSE", blockSizeKB: 4, delaySeconds: 1 } },
            after: { usageSchedule: schedule(1), rateLimit: { mode: "UNLIMITED" }, savedBaseline: {} },
            summary: "Address CEN>ABZ: open for all priorities at all hours, unlimited rate; old settings saved.",
          },
        ],
        tasks: [
          {
            kind: "SENDER_RESTORE",
            targetRef: { type: "SENDER_ADDRESS", id: "CEN>ABZ", label: "CEN → ABZ" },
            method: "CONSOLE_LOGON",
            methodAlternatives: [],
            dueAt: null,
            reason: "Put back the schedule and rate limit of address CEN>ABZ when the emergency closes.",
          },
        ],
        notes: [],
      },
      {
        key: "EXCLUDE_INFRASTRUCTURE",
        title: "Leave patch-infrastructure servers out and patch them by hand",
        explanation: "Servers that host the patch infrastructure are patched by hand.",
        applicable: false,
        declined: false,
        changes: [],
        tasks: [],
        notes: ["No patch-infrastructure server is in the target collection."],
      },
    ],
    sites: [],
    summary: {
      deadlineAt: "2026-05-02T10:05:00.000Z",
      packageSizeKB: 5120,
      targetComputers: 2946,
      advertisedComputers: 2946,
      excludedInfraServers: 0,
      relaxedAddresses: 1,
      courierSites: [],
      slowLinkClientTasks: 0,
      tasksByKind: { SENDER_RESTORE: 1 },
      declined: [],
      notes: [],
    },
  },
  toApply: {
    changes: [],
    packagePreferredSenderCourier: false,
    tasksByKind: { SENDER_RESTORE: 1 },
    tasksAlreadyThere: 0,
    nothingLeft: false,
  },
  ...o,
});

export const oobTask = (
  o: Partial<Omit<OobTaskRecord, "record">> & { record?: Partial<OobTaskRecord["record"]> } = {},
): OobTaskRecord => {
  const { record, ...rest } = o;
  return {
    id: uuid(70),
    version: 2,
    fleetId: FLEET_ID,
    caseId: uuid(10),
    emergencyId: EMERGENCY_ID,
    ownerName: null,
    createdAt: "2026-05-01T10:40:00.000Z",
    updatedAt: "2026-05-01T10:40:00.000Z",
    ...rest,
    record: {
      kind: "SLOW_LINK_CLIENT",
      targetRef: { type: "COMPUTER", id: "16777300", label: "NYC-LT00042" },
      method: "BRING_TO_OFFICE",
      ownerId: null,
      state: "OPEN",
      dueAt: iso(Date.now() - 2 * HOUR),
      reason: "Dial-up laptop: 5,120 KB cannot arrive before the deadline.",
      evidence: null,
      outcomeNote: null,
      ...record,
    },
  };
};

export const oobPage = (items: OobTaskRecord[]) => ({ items, page: 1, pageSize: 50, total: items.length });

export const monitor = (o: Partial<AdvertisementMonitor> = {}): AdvertisementMonitor => ({
  advertisementId: "CEN20001",
  generatedAt: "2026-05-01T12:00:00.000Z",
  targeted: 100_000,
  succeeded: 87_270,
  failed: 1_390,
  noStatus: 2_290,
  compliancePct: 87.27,
  byState: { SUCCEEDED: 87_270, FAILED: 1_390, RUNNING: 9_050 },
  bySite: [
    { siteCode: "CEN", targeted: 60_000, succeeded: 55_000, failed: 900, noStatus: 1_000, compliancePct: 91.67 },
    { siteCode: "NYC", targeted: 40_000, succeeded: 32_270, failed: 490, noStatus: 1_290, compliancePct: 80.68 },
  ],
  byLinkClass: [
    {
      connectionProfile: "LAN",
      targeted: 90_000,
      succeeded: 82_000,
      failed: 1_200,
      noStatus: 1_500,
      compliancePct: 91.11,
    },
    {
      connectionProfile: "DIALUP",
      targeted: 10_000,
      succeeded: 5_270,
      failed: 190,
      noStatus: 790,
      compliancePct: 52.7,
    },
  ],
  failures: [
    { exitCode: 1603, count: 990, meaning: "Fatal error during installation" },
    { exitCode: 1618, count: 400, meaning: "Another installation is in progress; retry later" },
  ],
  neverReported: {
    count: 2_290,
    sample: [
      {
        resourceId: 16778409,
        name: "NYC-LT00069",
        siteCode: "NYC",
        connectionProfile: "DIALUP",
        lastSeenAt: "2026-04-20T07:51:03.949Z",
      },
    ],
  },
  coverage: [
    { at: "2026-05-01T08:00:00.000Z", succeeded: 0, pct: 0 },
    { at: "2026-05-01T10:00:00.000Z", succeeded: 50_000, pct: 50 },
    { at: "2026-05-01T12:00:00.000Z", succeeded: 87_270, pct: 87.27 },
  ],
  coverageBucketMinutes: 120,
  ...o,
});
