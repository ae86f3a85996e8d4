import { z } from "zod";

/**
 * Closed lists of the SMS 2003 distribution model (domain.md §5, §8.1–8.2) with the labels the
 * console shows. Tags in comments follow domain.md §0: [F*] documented for a later product
 * generation, [U] recalled and unverified, [P] our proposal.
 */

export const SITE_TYPES = ["CENTRAL", "PRIMARY", "SECONDARY"] as const;
export const SiteTypeSchema = z.enum(SITE_TYPES);
export type SiteType = z.infer<typeof SiteTypeSchema>;
export const siteTypeLabels: Record<SiteType, string> = {
  CENTRAL: "Central site",
  PRIMARY: "Primary site",
  SECONDARY: "Secondary site",
};

/** Site system roles (domain.md §5.2). */
export const SITE_SYSTEM_ROLES = [
  "SITE_SERVER",
  "SQL",
  "COMPONENT",
  "CAP",
  "DP",
  "MP",
  "SLP",
  "REPORTING",
  "PROXY_MP",
] as const;
export const SiteSystemRoleSchema = z.enum(SITE_SYSTEM_ROLES);
export type SiteSystemRole = z.infer<typeof SiteSystemRoleSchema>;
export const siteSystemRoleLabels: Record<SiteSystemRole, string> = {
  SITE_SERVER: "Site server",
  SQL: "SMS site database server",
  COMPONENT: "Component server",
  CAP: "Client access point",
  DP: "Distribution point",
  MP: "Management point",
  SLP: "Server locator point",
  REPORTING: "Reporting point",
  PROXY_MP: "Proxy management point",
};

/**
 * Roles that make a server "patch infrastructure" [P, domain.md §5.2]: every SMS role qualifies, so a
 * server with any role is excluded from mass emergency advertisements and patched by a manual task.
 */
export const PATCH_INFRASTRUCTURE_ROLES: readonly SiteSystemRole[] = SITE_SYSTEM_ROLES;
export const isPatchInfrastructure = (roles: readonly SiteSystemRole[]): boolean =>
  roles.some((r) => PATCH_INFRASTRUCTURE_ROLES.includes(r));

export const BOUNDARY_KINDS = ["IP_SUBNET", "IP_RANGE", "AD_SITE"] as const;
export const BoundaryKindSchema = z.enum(BOUNDARY_KINDS);
export type BoundaryKind = z.infer<typeof BoundaryKindSchema>;

/** SMS 2003 local / remote roaming boundaries = ConfigMgr 2007 fast / slow (domain.md §5.4). */
export const BOUNDARY_CONNECTIONS = ["LOCAL_FAST", "REMOTE_SLOW"] as const;
export const BoundaryConnectionSchema = z.enum(BOUNDARY_CONNECTIONS);
export type BoundaryConnection = z.infer<typeof BoundaryConnectionSchema>;
export const boundaryConnectionLabels: Record<BoundaryConnection, string> = {
  LOCAL_FAST: "Local (fast, LAN)",
  REMOTE_SLOW: "Remote (slow or unreliable)",
};

/** `SMS_SCI_Address.AddressType` strings [F*:S12]. */
export const ADDRESS_TYPES = ["MS_LAN", "MS_ASYNC_RAS", "MS_ISDN_RAS", "MS_X25_RAS", "MS_SNA_RAS"] as const;
export const AddressTypeSchema = z.enum(ADDRESS_TYPES);
export type AddressType = z.infer<typeof AddressTypeSchema>;
export const addressTypeLabels: Record<AddressType, string> = {
  MS_LAN: "Standard Sender",
  MS_ASYNC_RAS: "Asynchronous RAS Sender",
  MS_ISDN_RAS: "ISDN RAS Sender",
  MS_X25_RAS: "X.25 RAS Sender",
  MS_SNA_RAS: "SNA RAS Sender",
};

/** Address Rate Limits tab modes [F*:S13]. */
export const RATE_MODES = ["UNLIMITED", "PULSE", "HOURLY_LIMIT"] as const;
export const RateModeSchema = z.enum(RATE_MODES);
export type RateMode = z.infer<typeof RateModeSchema>;
export const rateModeLabels: Record<RateMode, string> = {
  UNLIMITED: "Unlimited when sending to this address",
  PULSE: "Pulse mode",
  HOURLY_LIMIT: "Limited to specified maximum transfer rates by hour",
};

/** Package "Sending priority" and the data priority the address schedule filters on [F*:S13][F*:S14]. */
export const SENDING_PRIORITIES = ["HIGH", "MEDIUM", "LOW"] as const;
export const SendingPrioritySchema = z.enum(SENDING_PRIORITIES);
export type SendingPriority = z.infer<typeof SendingPrioritySchema>;
export const sendingPriorityLabels: Record<SendingPriority, string> = { HIGH: "High", MEDIUM: "Medium", LOW: "Low" };

/** Package "Preferred sender" (Distribution Settings tab) [F*:S14]; NO_PREFERENCE is the default. */
export const PREFERRED_SENDERS = [
  "NO_PREFERENCE",
  "STANDARD",
  "ASYNC_RAS",
  "ISDN_RAS",
  "X25_RAS",
  "SNA_RAS",
  "COURIER",
] as const;
export const PreferredSenderSchema = z.enum(PREFERRED_SENDERS);
export type PreferredSender = z.infer<typeof PreferredSenderSchema>;
export const preferredSenderLabels: Record<PreferredSender, string> = {
  NO_PREFERENCE: "No Preference",
  STANDARD: "Standard Sender",
  ASYNC_RAS: "Asynchronous RAS Sender",
  ISDN_RAS: "ISDN RAS Sender",
  X25_RAS: "X.25 RAS Sender",
  SNA_RAS: "SNA RAS Sender",
  COURIER: "Courier Sender",
};
/** Which address type a preferred sender uses (Courier has no address: it ships parcels). */
export const addressTypeForSender: Record<Exclude<PreferredSender, "NO_PREFERENCE" | "COURIER">, AddressType> = {
  STANDARD: "MS_LAN",
  ASYNC_RAS: "MS_ASYNC_RAS",
  ISDN_RAS: "MS_ISDN_RAS",
  X25_RAS: "MS_X25_RAS",
  SNA_RAS: "MS_SNA_RAS",
};

export const CLIENT_TYPES = ["LEGACY", "ADVANCED"] as const;
export const ClientTypeSchema = z.enum(CLIENT_TYPES);
export type ClientType = z.infer<typeof ClientTypeSchema>;
export const clientTypeLabels: Record<ClientType, string> = { LEGACY: "Legacy Client", ADVANCED: "Advanced Client" };

export const CONNECTION_PROFILES = ["LAN", "WAN", "VPN", "DIALUP"] as const;
export const ConnectionProfileSchema = z.enum(CONNECTION_PROFILES);
export type ConnectionProfile = z.infer<typeof ConnectionProfileSchema>;
export const connectionProfileLabels: Record<ConnectionProfile, string> = {
  LAN: "LAN",
  WAN: "WAN branch",
  VPN: "VPN",
  DIALUP: "Dial-up",
};

export const COLLECTION_RULE_TYPES = ["QUERY", "DIRECT"] as const;
export const CollectionRuleTypeSchema = z.enum(COLLECTION_RULE_TYPES);
export type CollectionRuleType = z.infer<typeof CollectionRuleTypeSchema>;

export const COLLECTION_PURPOSES = ["TARGET", "EXCLUSION", "ROLLBACK_APPLIED", "TEST"] as const;
export const CollectionPurposeSchema = z.enum(COLLECTION_PURPOSES);
export type CollectionPurpose = z.infer<typeof CollectionPurposeSchema>;

export const PACKAGE_KINDS = ["DEPLOY", "ROLLBACK"] as const;
export const PackageKindSchema = z.enum(PACKAGE_KINDS);
export type PackageKind = z.infer<typeof PackageKindSchema>;

/** What a program does; ROLLBACK programs remove an update (domain.md §6) [P]. */
export const PROGRAM_KINDS = ["INSTALL", "ROLLBACK"] as const;
export const ProgramKindSchema = z.enum(PROGRAM_KINDS);
export type ProgramKind = z.infer<typeof ProgramKindSchema>;

export const DP_STATES = ["PENDING", "IN_PROGRESS", "INSTALLED", "FAILED"] as const;
export const DpStateSchema = z.enum(DP_STATES);
export type DpState = z.infer<typeof DpStateSchema>;

export const DP_DELIVERY_VIAS = ["NETWORK", "COURIER_PARCEL"] as const;
export const DpDeliveryViaSchema = z.enum(DP_DELIVERY_VIAS);
export type DpDeliveryVia = z.infer<typeof DpDeliveryViaSchema>;

/** Per computer × update (domain.md §8.2). */
export const COMPLIANCE_STATES = [
  "NOT_APPLICABLE",
  "REQUIRED",
  "INSTALLED",
  "INSTALLED_PENDING_REBOOT",
  "FAILED",
  "ROLLED_BACK",
  "UNKNOWN",
] as const;
export const ComplianceStateSchema = z.enum(COMPLIANCE_STATES);
export type ComplianceState = z.infer<typeof ComplianceStateSchema>;

/** `SMS_Advertisement.Priority`: replication priority of the advertisement to child sites [F*:S9]. */
export const ADVERT_PRIORITIES = [1, 2, 3] as const;
export type AdvertPriority = (typeof ADVERT_PRIORITIES)[number];
export const AdvertPrioritySchema = z.union([z.literal(1), z.literal(2), z.literal(3)], {
  message: "Priority is 1 (High), 2 (Medium) or 3 (Low)",
});
export const advertPriorityLabels: Record<AdvertPriority, string> = { 1: "High", 2: "Medium", 3: "Low" };
/** The data priority an advertisement travels with when it replicates down the hierarchy. */
export const sendingPriorityOfAdvert: Record<AdvertPriority, SendingPriority> = { 1: "HIGH", 2: "MEDIUM", 3: "LOW" };
