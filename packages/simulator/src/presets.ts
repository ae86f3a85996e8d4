import {
  businessHoursSchedule,
  openAddressSchedule,
  type Address,
  type AddressType,
  type Boundary,
  type ClientType,
  type Collection,
  type ConnectionProfile,
  type HourUsage,
  type RateLimit,
  type Site,
  type SiteSystemRole,
} from "@firebreak/domain";
import type { FleetDescription, PowerProfile, SimComputer, SimSiteSystem } from "./fleet.js";
import { Rng } from "./prng.js";

/**
 * Seeded fleet presets: an SMS 2003 hierarchy with links, schedules, DPs and clients.
 *
 * - `demo`: 7 sites (central, 2 primaries, 4 secondaries), ~3,000 computers.
 * - `enterprise`: 40 sites in three tiers (central, 6 primaries, 33 secondaries), ~100,000
 *   computers: LAN desktops, WAN-branch desktops (some behind a branch DP), office laptops,
 *   VPN and dial-up laptops, roaming laptops, app servers and infrastructure servers carrying
 *   site-system roles; ~3 % of machines switched off for days at the start.
 */

export const PRESETS = ["demo", "enterprise"] as const;
export type PresetName = (typeof PRESETS)[number];

export interface GenerateFleetOptions {
  preset: PresetName;
  seed: number;
  /** Reference time for "last seen" and "off until"; default 2026-03-10T06:00:00Z. */
  startTime?: number | string;
  /** Override the number of client computers (infrastructure servers come on top). */
  computers?: number;
}

/** Well-known collection IDs of the presets. */
export const PRESET_COLLECTIONS = {
  ALL_SYSTEMS: "SMS00001",
  ALL_WORKSTATIONS: "CEN00010",
  PATCH_INFRASTRUCTURE: "CEN00011",
} as const;

export const DEFAULT_START_TIME = "2026-03-10T06:00:00.000Z";

type LinkClass = "LAN100M" | "T3" | "E3" | "E1" | "2M" | "1M" | "512K" | "256K" | "128K" | "RAS56K";

interface SitePlan {
  code: string;
  name: string;
  type: Site["type"];
  parent: string | null;
  utcOffsetMinutes: number;
  weight: number;
  link: LinkClass | null;
  branches: number;
  vpnPool: boolean;
  rasPool: boolean;
  lanDps: number;
}

const LINK_KBPS: Record<LinkClass, number> = {
  LAN100M: 100_000,
  T3: 45_000,
  E3: 34_000,
  E1: 2_048,
  "2M": 2_048,
  "1M": 1_024,
  "512K": 512,
  "256K": 256,
  "128K": 128,
  RAS56K: 56,
};

const ENTERPRISE_PRIMARIES: readonly [
  code: string,
  name: string,
  offset: number,
  weight: number,
  link: LinkClass,
  secondaries: readonly (readonly [string, string])[],
][] = [
  [
    "NYC",
    "New York",
    -300,
    8,
    "T3",
    [
      ["BOS", "Boston"],
      ["ATL", "Atlanta"],
      ["MIA", "Miami"],
      ["PHL", "Philadelphia"],
      ["WAS", "Washington"],
      ["TOR", "Toronto"],
    ],
  ],
  [
    "CHI",
    "Chicago",
    -360,
    6,
    "T3",
    [
      ["DAL", "Dallas"],
      ["DEN", "Denver"],
      ["SEA", "Seattle"],
      ["SFO", "San Francisco"],
      ["LAX", "Los Angeles"],
      ["PHX", "Phoenix"],
    ],
  ],
  [
    "FRA",
    "Frankfurt",
    60,
    7,
    "LAN100M",
    [
      ["PAR", "Paris"],
      ["MAD", "Madrid"],
      ["MIL", "Milan"],
      ["AMS", "Amsterdam"],
      ["ZRH", "Zurich"],
      ["WAW", "Warsaw"],
    ],
  ],
  [
    "SIN",
    "Singapore",
    480,
    6,
    "E3",
    [
      ["HKG", "Hong Kong"],
      ["KUL", "Kuala Lumpur"],
      ["BKK", "Bangkok"],
      ["JKT", "Jakarta"],
      ["SYD", "Sydney"],
    ],
  ],
  [
    "TOK",
    "Tokyo",
    540,
    5,
    "E3",
    [
      ["SEL", "Seoul"],
      ["OSA", "Osaka"],
    ],
  ],
  [
    "SAO",
    "Sao Paulo",
    -180,
    4,
    "E1",
    [
      ["MEX", "Mexico City"],
      ["BUE", "Buenos Aires"],
      ["SCL", "Santiago"],
    ],
  ],
];
const ENTERPRISE_CENTRAL_SECONDARIES: readonly (readonly [string, string])[] = [
  ["MAN", "Manchester"],
  ["BHM", "Birmingham"],
  ["GLA", "Glasgow"],
  ["DUB", "Dublin"],
  ["ABZ", "Aberdeen offshore"],
];

function enterprisePlan(rng: Rng): SitePlan[] {
  const plans: SitePlan[] = [
    {
      code: "CEN",
      name: "London headquarters",
      type: "CENTRAL",
      parent: null,
      utcOffsetMinutes: 0,
      weight: 12,
      link: null,
      branches: 5,
      vpnPool: true,
      rasPool: true,
      lanDps: 3,
    },
  ];
  const secondaries: { code: string; name: string; parent: string; offset: number }[] =
    ENTERPRISE_CENTRAL_SECONDARIES.map(([code, name]) => ({ code, name, parent: "CEN", offset: 0 }));
  for (const [code, name, offset, weight, link, subs] of ENTERPRISE_PRIMARIES) {
    plans.push({
      code,
      name,
      type: "PRIMARY",
      parent: "CEN",
      utcOffsetMinutes: offset,
      weight,
      link,
      branches: rng.int(3, 5),
      vpnPool: true,
      rasPool: true,
      lanDps: 2,
    });
    for (const [sc, sn] of subs) secondaries.push({ code: sc, name: sn, parent: code, offset });
  }
  // A realistic spread of secondary links, shuffled; ABZ (offshore) is always the 56k dial-up site.
  const classes: LinkClass[] = [
    ...Array<LinkClass>(9).fill("2M"),
    ...Array<LinkClass>(7).fill("1M"),
    ...Array<LinkClass>(8).fill("512K"),
    ...Array<LinkClass>(4).fill("256K"),
    ...Array<LinkClass>(3).fill("128K"),
    ...Array<LinkClass>(1).fill("RAS56K"),
  ];
  for (let i = classes.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [classes[i], classes[j]] = [classes[j] as LinkClass, classes[i] as LinkClass];
  }
  let ci = 0;
  for (const s of secondaries) {
    const link: LinkClass = s.code === "ABZ" ? "RAS56K" : (classes[ci++] ?? "2M");
    const small = link === "RAS56K" || link === "128K";
    plans.push({
      code: s.code,
      name: s.name,
      type: "SECONDARY",
      parent: s.parent,
      utcOffsetMinutes: s.offset,
      weight: small ? rng.range(0.15, 0.4) : rng.range(0.8, 2.4),
      link,
      branches: small ? 0 : rng.int(0, 2),
      vpnPool: false,
      rasPool: false,
      lanDps: 1,
    });
  }
  return plans;
}

function demoPlan(): SitePlan[] {
  return [
    {
      code: "CEN",
      name: "London headquarters",
      type: "CENTRAL",
      parent: null,
      utcOffsetMinutes: 0,
      weight: 4,
      link: null,
      branches: 2,
      vpnPool: true,
      rasPool: true,
      lanDps: 2,
    },
    {
      code: "NYC",
      name: "New York",
      type: "PRIMARY",
      parent: "CEN",
      utcOffsetMinutes: -300,
      weight: 3,
      link: "T3",
      branches: 2,
      vpnPool: true,
      rasPool: true,
      lanDps: 1,
    },
    {
      code: "FRA",
      name: "Frankfurt",
      type: "PRIMARY",
      parent: "CEN",
      utcOffsetMinutes: 60,
      weight: 2.5,
      link: "LAN100M",
      branches: 1,
      vpnPool: true,
      rasPool: false,
      lanDps: 1,
    },
    {
      code: "BOS",
      name: "Boston",
      type: "SECONDARY",
      parent: "NYC",
      utcOffsetMinutes: -300,
      weight: 1.2,
      link: "2M",
      branches: 1,
      vpnPool: false,
      rasPool: false,
      lanDps: 1,
    },
    {
      code: "MIA",
      name: "Miami",
      type: "SECONDARY",
      parent: "NYC",
      utcOffsetMinutes: -300,
      weight: 0.8,
      link: "256K",
      branches: 0,
      vpnPool: false,
      rasPool: false,
      lanDps: 1,
    },
    {
      code: "PAR",
      name: "Paris",
      type: "SECONDARY",
      parent: "FRA",
      utcOffsetMinutes: 60,
      weight: 1.2,
      link: "512K",
      branches: 1,
      vpnPool: false,
      rasPool: false,
      lanDps: 1,
    },
    {
      code: "ABZ",
      name: "Aberdeen offshore",
      type: "SECONDARY",
      parent: "CEN",
      utcOffsetMinutes: 0,
      weight: 0.3,
      link: "RAS56K",
      branches: 0,
      vpnPool: false,
      rasPool: false,
      lanDps: 1,
    },
  ];
}

interface AddressShape {
  usageSchedule: HourUsage[][];
  rateLimit: RateLimit;
  addressType: AddressType;
}

/** Parent→child sender settings by link class: thin links get business-hours restrictions and rate limits. */
function downlinkShape(link: LinkClass, rng: Rng): AddressShape {
  const business = (pct: number) => Array.from({ length: 24 }, (_, h) => (h >= 8 && h < 18 ? pct : 100));
  switch (link) {
    case "LAN100M":
    case "T3":
    case "E3":
      return { usageSchedule: openAddressSchedule(), rateLimit: { mode: "UNLIMITED" }, addressType: "MS_LAN" };
    case "E1":
    case "2M":
    case "1M":
      return rng.chance(0.3)
        ? {
            usageSchedule: businessHoursSchedule({ inside: 3, outside: 1 }),
            rateLimit: { mode: "UNLIMITED" },
            addressType: "MS_LAN",
          }
        : { usageSchedule: openAddressSchedule(), rateLimit: { mode: "UNLIMITED" }, addressType: "MS_LAN" };
    case "512K":
    case "256K": {
      const r = rng.float();
      if (r < 0.4)
        return {
          usageSchedule: businessHoursSchedule({ inside: 2, outside: 1 }),
          rateLimit: { mode: "HOURLY_LIMIT", hourlyLimitPct: business(50) },
          addressType: "MS_LAN",
        };
      if (r < 0.7)
        return {
          usageSchedule: businessHoursSchedule({ inside: 3, outside: 1 }),
          rateLimit: { mode: "UNLIMITED" },
          addressType: "MS_LAN",
        };
      return {
        usageSchedule: openAddressSchedule(),
        rateLimit: { mode: "HOURLY_LIMIT", hourlyLimitPct: business(75) },
        addressType: "MS_LAN",
      };
    }
    case "128K":
      return {
        usageSchedule: businessHoursSchedule({ inside: 3, outside: 1 }),
        rateLimit: { mode: "PULSE", blockSizeKB: 8, delaySeconds: 2 },
        addressType: "MS_LAN",
      };
    case "RAS56K":
      return {
        usageSchedule: businessHoursSchedule({
          inside: 4,
          outside: 1,
          fromHour: 7,
          toHour: 19,
          days: [0, 1, 2, 3, 4, 5, 6],
        }),
        rateLimit: { mode: "PULSE", blockSizeKB: 4, delaySeconds: 1 },
        addressType: "MS_ASYNC_RAS",
      };
  }
}

const OS_MIX: readonly (readonly [[os: string, sp: string | null], number])[] = [
  [["Microsoft Windows XP Professional", "Service Pack 1"], 38],
  [["Microsoft Windows XP Professional", "Service Pack 2"], 24],
  [["Microsoft Windows 2000 Professional", "Service Pack 4"], 28],
  [["Microsoft Windows NT Workstation 4.0", "Service Pack 6a"], 6],
  [["Microsoft Windows 98", null], 4],
];

type Kind =
  "LAN_DESKTOP" | "BRANCH_DESKTOP" | "OFFICE_LAPTOP" | "VPN_LAPTOP" | "DIALUP_LAPTOP" | "ROAMING_LAPTOP" | "APP_SERVER";

export function generateFleet(opts: GenerateFleetOptions): FleetDescription {
  const rng = new Rng(opts.seed ^ 0x5eed);
  const startMs =
    typeof opts.startTime === "number" ? opts.startTime : Date.parse(opts.startTime ?? DEFAULT_START_TIME);
  const plans = opts.preset === "enterprise" ? enterprisePlan(rng.fork(1)) : demoPlan();
  const totalClients = opts.computers ?? (opts.preset === "enterprise" ? 100_000 : 3_000);

  const sites: Site[] = plans.map((p) => ({
    siteCode: p.code,
    name: p.name,
    type: p.type,
    parentSiteCode: p.parent,
    utcOffsetMinutes: p.utcOffsetMinutes,
  }));
  const siteSystems: SimSiteSystem[] = [];
  const boundaries: Boundary[] = [];
  const addresses: Address[] = [];
  const computers: SimComputer[] = [];
  let nextResourceId = 16_777_217; // SMS resource IDs start at 0x01000001

  const addInfra = (
    serverName: string,
    siteCode: string,
    roles: SiteSystemRole[],
    boundaryId: string,
    extra: Partial<SimSiteSystem> = {},
  ) => {
    siteSystems.push({ serverName, siteCode, roles, bitsEnabled: roles.includes("DP"), ...extra });
    computers.push({
      resourceId: nextResourceId++,
      name: serverName,
      siteCode,
      os: "Microsoft Windows Server 2003",
      servicePack: null,
      clientType: "ADVANCED",
      isLaptop: false,
      connectionProfile: "LAN",
      boundaryId,
      isPatchInfrastructure: true,
      lastSeenAt: new Date(startMs - 3_600_000).toISOString(),
      power: { profile: "ALWAYS_ON" },
    });
  };

  const lanBoundaryOf = new Map<string, string>();
  const branchesOf = new Map<string, string[]>();
  const vpnOf = new Map<string, string>();
  const rasOf = new Map<string, string>();

  plans.forEach((p, siteNo) => {
    const n = siteNo + 1;
    const lan = `${p.code}-LAN`;
    lanBoundaryOf.set(p.code, lan);
    boundaries.push({
      boundaryId: lan,
      siteCode: p.code,
      kind: "IP_SUBNET",
      value: `10.${n}.0.0/16`,
      connection: "LOCAL_FAST",
    });
    // Site systems (patch infrastructure).
    if (p.type === "SECONDARY") {
      addInfra(`${p.code}SMS01`, p.code, ["SITE_SERVER", "DP", "PROXY_MP"], lan);
    } else {
      addInfra(`${p.code}SMS01`, p.code, ["SITE_SERVER", "COMPONENT", "CAP"], lan);
      addInfra(`${p.code}SQL01`, p.code, ["SQL"], lan);
      addInfra(`${p.code}MP01`, p.code, p.type === "CENTRAL" ? ["MP", "SLP"] : ["MP"], lan);
      if (p.type === "CENTRAL") addInfra(`${p.code}RPT01`, p.code, ["REPORTING"], lan);
      for (let d = 1; d <= p.lanDps; d++) addInfra(`${p.code}DP0${d}`, p.code, ["DP"], lan);
    }
    // WAN branches: a third have a branch DP (local, fed over the WAN link), the rest are slow boundaries.
    const branches: string[] = [];
    for (let b = 1; b <= p.branches; b++) {
      const id = `${p.code}-BR${b}`;
      const linkKbps = rng.pick([2048, 1024, 512, 512, 256]);
      if (rng.chance(0.33)) {
        const dpName = `${p.code}BDP${b}`;
        boundaries.push({
          boundaryId: id,
          siteCode: p.code,
          kind: "IP_SUBNET",
          value: `10.${n}.${100 + b}.0/24`,
          connection: "LOCAL_FAST",
          protectedDpServerNames: [dpName],
        });
        addInfra(dpName, p.code, ["DP"], id, { contentLinkKbps: linkKbps, capacityKbps: 100_000 });
      } else {
        boundaries.push({
          boundaryId: id,
          siteCode: p.code,
          kind: "IP_SUBNET",
          value: `10.${n}.${100 + b}.0/24`,
          connection: "REMOTE_SLOW",
          linkKbps,
        });
      }
      branches.push(id);
    }
    branchesOf.set(p.code, branches);
    if (p.vpnPool) {
      const id = `${p.code}-VPN`;
      boundaries.push({
        boundaryId: id,
        siteCode: p.code,
        kind: "IP_RANGE",
        value: `172.${16 + (n % 16)}.${n * 4}.1-172.${16 + (n % 16)}.${n * 4 + 3}.254`,
        connection: "REMOTE_SLOW",
      });
      vpnOf.set(p.code, id);
    }
    if (p.rasPool) {
      const id = `${p.code}-RAS`;
      boundaries.push({
        boundaryId: id,
        siteCode: p.code,
        kind: "IP_RANGE",
        value: `192.168.${n}.1-192.168.${n}.254`,
        connection: "REMOTE_SLOW",
      });
      rasOf.set(p.code, id);
    }
    // Sender addresses both ways between parent and child.
    if (p.parent && p.link) {
      const shape = downlinkShape(p.link, rng);
      const kbps = LINK_KBPS[p.link];
      addresses.push({
        addressId: `${p.parent}>${p.code}`,
        siteCode: p.parent,
        destSiteCode: p.code,
        addressType: shape.addressType,
        priorityOrder: 1,
        usageSchedule: shape.usageSchedule,
        unavailableAsSubstitute: false,
        rateLimit: shape.rateLimit,
        bandwidthKbps: kbps,
      });
      addresses.push({
        addressId: `${p.code}>${p.parent}`,
        siteCode: p.code,
        destSiteCode: p.parent,
        addressType: shape.addressType,
        priorityOrder: 1,
        usageSchedule: openAddressSchedule(),
        unavailableAsSubstitute: false,
        rateLimit: { mode: "UNLIMITED" },
        bandwidthKbps: kbps,
      });
    }
  });

  // Clients, spread over sites by weight.
  const totalWeight = plans.reduce((s, p) => s + p.weight, 0);
  let assigned = 0;
  plans.forEach((p, idx) => {
    const count =
      idx === plans.length - 1 ? totalClients - assigned : Math.round((totalClients * p.weight) / totalWeight);
    assigned += count;
    const lan = lanBoundaryOf.get(p.code) as string;
    const branches = branchesOf.get(p.code) ?? [];
    const kinds: (readonly [Kind, number])[] = [
      ["LAN_DESKTOP", branches.length > 0 ? 56 : 70],
      ["BRANCH_DESKTOP", branches.length > 0 ? 14 : 0],
      ["OFFICE_LAPTOP", 12 + (p.vpnPool ? 0 : 7) + (p.rasPool ? 0 : 3)],
      ["VPN_LAPTOP", p.vpnPool ? 7 : 0],
      ["DIALUP_LAPTOP", p.rasPool ? 3 : 0],
      ["ROAMING_LAPTOP", plans.length > 1 ? 1 : 0],
      ["APP_SERVER", 2],
    ];
    const seq: Record<"WS" | "LT" | "SV", number> = { WS: 0, LT: 0, SV: 0 };
    for (let k = 0; k < count; k++) {
      const kind = rng.weighted(kinds);
      const [os, sp] = rng.weighted(OS_MIX);
      let clientType: ClientType = "ADVANCED";
      if (/NT Workstation|Windows 98/.test(os) || (/2000/.test(os) && rng.chance(0.08))) clientType = "LEGACY";
      let connectionProfile: ConnectionProfile = "LAN";
      let boundaryId: string | null = lan;
      let currentBoundaryId: string | null | undefined;
      let isLaptop = false;
      let profile: PowerProfile = rng.chance(0.22) ? "ALWAYS_ON" : "OFFICE_HOURS";
      let linkKbps: number | undefined;
      let prefix: "WS" | "LT" | "SV" = "WS";
      let machineOs = os;
      let machineSp = sp;
      switch (kind) {
        case "BRANCH_DESKTOP":
          boundaryId = rng.pick(branches);
          connectionProfile = "WAN";
          break;
        case "OFFICE_LAPTOP":
          isLaptop = true;
          profile = "LAPTOP_OFFICE";
          prefix = "LT";
          break;
        case "VPN_LAPTOP":
          isLaptop = true;
          boundaryId = vpnOf.get(p.code) ?? lan;
          connectionProfile = "VPN";
          profile = "VPN_SESSIONS";
          linkKbps = rng.pick([256, 512, 768, 1536]);
          prefix = "LT";
          break;
        case "DIALUP_LAPTOP":
          isLaptop = true;
          boundaryId = rasOf.get(p.code) ?? lan;
          connectionProfile = "DIALUP";
          profile = "DIALUP_SESSIONS";
          linkKbps = rng.pick([40, 44, 48, 50]);
          prefix = "LT";
          break;
        case "ROAMING_LAPTOP": {
          isLaptop = true;
          profile = "LAPTOP_OFFICE";
          prefix = "LT";
          const other = plans[(idx + 1 + rng.int(0, plans.length - 2)) % plans.length] as SitePlan;
          currentBoundaryId = lanBoundaryOf.get(other.code) ?? lan;
          break;
        }
        case "APP_SERVER":
          profile = "ALWAYS_ON";
          prefix = "SV";
          machineOs = rng.chance(0.7) ? "Microsoft Windows Server 2003" : "Microsoft Windows 2000 Server";
          machineSp = machineOs.includes("2000") ? "Service Pack 4" : null;
          clientType = "ADVANCED";
          break;
        default:
          break;
      }
      if (isLaptop && clientType === "LEGACY" && kind !== "DIALUP_LAPTOP") clientType = "ADVANCED";
      const offForDays = prefix !== "SV" && rng.chance(0.03);
      const name = `${p.code}-${prefix}${String(++seq[prefix]).padStart(5, "0")}`;
      const c: SimComputer = {
        resourceId: nextResourceId++,
        name,
        siteCode: p.code,
        os: machineOs,
        servicePack: machineSp,
        clientType,
        isLaptop,
        connectionProfile,
        boundaryId,
        isPatchInfrastructure: false,
        lastSeenAt: new Date(startMs - rng.range(0.5, offForDays ? 20 : 3) * 86_400_000).toISOString(),
        power: {
          profile,
          offUntil: offForDays ? new Date(startMs + rng.range(1, 10) * 86_400_000).toISOString() : null,
        },
      };
      if (currentBoundaryId !== undefined) c.currentBoundaryId = currentBoundaryId;
      if (linkKbps !== undefined) c.linkKbps = linkKbps;
      computers.push(c);
    }
  });

  const all = computers.map((c) => c.resourceId);
  const workstations = computers
    .filter((c) => !c.isPatchInfrastructure && !/server/i.test(c.os))
    .map((c) => c.resourceId);
  const infra = computers.filter((c) => c.isPatchInfrastructure).map((c) => c.resourceId);
  const collections: Collection[] = [
    {
      collectionId: PRESET_COLLECTIONS.ALL_SYSTEMS,
      name: "All Systems",
      parentCollectionId: null,
      rules: [{ type: "QUERY", name: "All Systems", query: "select * from SMS_R_System" }],
      purpose: "TARGET",
      memberResourceIds: all,
    },
    {
      collectionId: PRESET_COLLECTIONS.ALL_WORKSTATIONS,
      name: "All workstations (emergency targets)",
      parentCollectionId: null,
      rules: [
        {
          type: "QUERY",
          name: "Workstations",
          query: "select * from SMS_R_System where OperatingSystemNameandVersion not like '%Server%'",
        },
      ],
      purpose: "TARGET",
      memberResourceIds: workstations,
    },
    {
      collectionId: PRESET_COLLECTIONS.PATCH_INFRASTRUCTURE,
      name: "Patch infrastructure servers",
      parentCollectionId: null,
      rules: infra.map((resourceId) => ({ type: "DIRECT" as const, resourceId })),
      purpose: "EXCLUSION",
      memberResourceIds: infra,
    },
  ];

  return { sites, siteSystems, boundaries, addresses, computers, collections };
}
