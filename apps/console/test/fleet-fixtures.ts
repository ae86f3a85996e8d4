import {
  uniformAddressSchedule,
  type AdvertisementRecord,
  type CollectionRecord,
  type ComputerRecord,
  type PackageDetail,
  type ProgramRecord,
  type SenderAddressRecord,
  type SiteRecord,
} from "@firebreak/domain";

/** Records as the fleet API returns them (they pass the response schemas the console parses with). */
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const at = "2026-05-01T10:00:00.000Z";
export const FLEET = "/api/fleets/production";

export const site = (o: Partial<SiteRecord> & Pick<SiteRecord, "siteCode">): SiteRecord => ({
  id: uuid(100 + o.siteCode.charCodeAt(0)),
  version: 1,
  name: `Site ${o.siteCode}`,
  type: "PRIMARY",
  parentSiteCode: "CEN",
  utcOffsetMinutes: 0,
  computerCount: 10,
  ...o,
});

export const sites = [
  site({ siteCode: "CEN", name: "London headquarters", type: "CENTRAL", parentSiteCode: null, computerCount: 900 }),
  site({ siteCode: "NYC", name: "New York", utcOffsetMinutes: -300, computerCount: 700 }),
  site({
    siteCode: "MIA",
    name: "Miami",
    type: "SECONDARY",
    parentSiteCode: "NYC",
    utcOffsetMinutes: -300,
    computerCount: 180,
  }),
];

export const senderAddress = (o: Partial<SenderAddressRecord> = {}): SenderAddressRecord => ({
  id: uuid(200),
  version: 4,
  addressId: "NYC>MIA",
  siteCode: "NYC",
  destSiteCode: "MIA",
  addressType: "MS_LAN",
  priorityOrder: 1,
  usageSchedule: uniformAddressSchedule(1),
  unavailableAsSubstitute: false,
  rateLimit: { mode: "UNLIMITED" },
  bandwidthKbps: 256,
  relaxedForEmergency: false,
  updatedAt: at,
  ...o,
});

export const program = (o: Partial<ProgramRecord> = {}): ProgramRecord => ({
  id: uuid(300),
  version: 2,
  packageId: "CEN0001A",
  programName: "Install",
  commandLine: "WindowsXP-KB835732-x86-ENU.exe /quiet /norestart",
  comment: null,
  programFlags: 0x0010a000,
  maxRunMinutes: 60,
  kind: "INSTALL",
  checksUpdatePresent: false,
  disabled: false,
  updatedAt: at,
  ...o,
});

export const packageDetail = (o: Partial<PackageDetail> = {}): PackageDetail => ({
  id: uuid(400),
  version: 1,
  packageId: "CEN0001A",
  name: "MS04-011 KB835732",
  pkgVersion: "1.0",
  manufacturer: null,
  language: null,
  sourceSite: "CEN",
  sourceVersion: 2,
  sourceDate: at,
  sizeKB: 5120,
  sendingPriority: "HIGH",
  preferredSender: "COURIER",
  ignoreAddressSchedule: false,
  kind: "DEPLOY",
  updateIds: ["KB835732"],
  dpCount: 2,
  dpCurrentCount: 1,
  programs: [program()],
  distributions: [
    {
      packageId: "CEN0001A",
      siteCode: "CEN",
      serverName: "CENDP01",
      storedVersion: 2,
      state: "INSTALLED",
      via: "NETWORK",
      updatedAt: at,
      current: true,
    },
    {
      packageId: "CEN0001A",
      siteCode: "MIA",
      serverName: "MIASMS01",
      storedVersion: 1,
      state: "IN_PROGRESS",
      via: "COURIER_PARCEL",
      updatedAt: at,
      current: false,
    },
  ],
  ...o,
});

/** An advertisement that is not mandatory yet: flags 0, no assignments. */
export const advertisement = (o: Partial<AdvertisementRecord> = {}): AdvertisementRecord => ({
  id: uuid(500),
  version: 7,
  advertisementId: "CEN20001",
  advertisementName: "MS04-011 emergency",
  comment: null,
  packageId: "CEN0001A",
  programName: "Install",
  collectionId: "CEN00010",
  includeSubCollection: true,
  presentTime: "2026-05-01T19:00:00.000Z",
  expirationTime: null,
  assignedSchedule: [],
  assignedScheduleEnabled: false,
  advertFlags: 0,
  remoteClientFlags: 0x30,
  priority: 2,
  state: "ACTIVE",
  mandatory: false,
  mandatoryOverSlowLinks: false,
  allowUsersToRunIndependently: true,
  localDpMode: "DOWNLOAD",
  noLocalDpMode: "DONT_RUN",
  forcesDialUpClients: false,
  forcesSlowBoundaryClients: false,
  programDisabled: false,
  updatedAt: at,
  ...o,
});

export const collection = (o: Partial<CollectionRecord> = {}): CollectionRecord => ({
  id: uuid(600),
  version: 1,
  collectionId: "CEN00010",
  name: "All workstations",
  parentCollectionId: null,
  rules: [{ type: "QUERY", name: "Workstations", query: "select * from SMS_R_System" }],
  purpose: "TARGET",
  memberCount: 2946,
  evaluatedAt: at,
  ...o,
});

export const computer = (n: number): ComputerRecord => ({
  id: uuid(10_000 + n),
  resourceId: 16_000_000 + n,
  name: `NYC-WS${String(n).padStart(5, "0")}`,
  siteCode: "NYC",
  os: "Microsoft Windows XP Professional",
  servicePack: "Service Pack 2",
  clientType: "ADVANCED",
  isLaptop: false,
  connectionProfile: "LAN",
  boundaryId: "NYC-LAN",
  isPatchInfrastructure: false,
  lastSeenAt: at,
  onlineRatio: 0.9,
});

export const statusSummary = {
  advertisementId: "CEN20001",
  targeted: 100,
  byState: { SUCCEEDED: 80, FAILED: 5, RUNNING: 3 },
  noStatus: 12,
  succeeded: 80,
  failed: 5,
  compliancePct: 80,
};
