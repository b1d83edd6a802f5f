import type { Permission } from "./permissions.ts";

/**
 * The roles of grid governance (GLOSSARY.md) and the permissions each starts with. Admins may edit the
 * sets afterwards; these are the defaults a new deployment gets. Separation of duties (MLPS 2.0 level 3):
 * only the auditor reads the audit trail, the admin manages accounts but cannot read or grant audit
 * (the lists at the end; the rules that use them are in account-authority.ts).
 *
 * `workScope` says where a holder may act: "subtree" = anywhere under the assigned area (grid staff);
 * "area" = only on what is at the assigned area itself (an official works on what was escalated to
 * their level, while viewing the whole subtree).
 */
export const ROLE_KEYS = [
  "admin",
  "auditor",
  "city_official",
  "county_official",
  "township_official",
  "village_official",
  "grid_head",
  "grid_worker",
  "grid_instructor",
  "police_liaison",
  "mediator",
  "volunteer",
  "resident",
  "screen",
] as const;
export type RoleKey = (typeof ROLE_KEYS)[number];

export interface RoleDefinition {
  key: RoleKey;
  name: { "zh-CN": string; en: string };
  workScope: "subtree" | "area";
  permissions: Permission[];
}

const official: Permission[] = [
  "area.read",
  "person.read",
  "event.read",
  "event.report",
  "event.handle",
  "event.supervise",
  "report.read",
  "screen.view",
  "user.read",
  "disclosure.manage",
  "project.manage",
  "notice.send",
  "risk.read",
  "risk.handle",
];

export const DEFAULT_ROLES: RoleDefinition[] = [
  {
    key: "admin",
    name: { "zh-CN": "系统管理员", en: "Administrator" },
    workScope: "subtree",
    permissions: [
      "area.read",
      "area.manage",
      "user.read",
      "user.manage",
      "role.manage",
      // No report.read: reports list matters by title, which the administrator does not read (三员分立).
      "screen.view",
      "screen.manage",
      "system.manage",
      "event.configure",
      "visit.configure",
      "risk.configure",
      "disclosure.configure",
    ],
  },
  {
    key: "auditor",
    name: { "zh-CN": "安全审计员", en: "Auditor" },
    workScope: "subtree",
    // All AUDIT_ROLE_PERMISSIONS: the trail names areas, and the accounts page lists them.
    permissions: ["audit.read", "audit.export", "user.read", "area.read"],
  },
  {
    key: "city_official",
    name: { "zh-CN": "市级干部", en: "City official" },
    workScope: "area",
    permissions: [...official, "screen.manage", "report.write"],
  },
  {
    key: "county_official",
    name: { "zh-CN": "县级干部", en: "County official" },
    workScope: "area",
    permissions: [...official, "screen.manage", "risk.configure", "report.write"],
  },
  {
    key: "township_official",
    name: { "zh-CN": "乡镇（街道）干部", en: "Township official" },
    workScope: "area",
    permissions: [
      ...official,
      "screen.manage",
      "person.manage",
      "person.reveal",
      "tag.sensitive.read",
      "user.manage",
      "visit.manage",
      "mediation.handle",
      "risk.configure",
      "disclosure.review",
      "report.write",
    ],
  },
  {
    key: "village_official",
    name: { "zh-CN": "村（社区）干部", en: "Village official" },
    workScope: "area",
    permissions: [...official, "person.manage", "visit.manage", "mediation.handle"],
  },
  {
    key: "grid_head",
    name: { "zh-CN": "网格长", en: "Grid head" },
    workScope: "subtree",
    permissions: [
      "area.read",
      "person.read",
      "person.manage",
      "person.reveal",
      "event.read",
      "event.report",
      "event.handle",
      "mediation.handle",
      "visit.manage",
      "report.read",
      "patrol.checkin",
      "notice.send",
    ],
  },
  {
    key: "grid_worker",
    name: { "zh-CN": "网格员", en: "Grid worker" },
    workScope: "subtree",
    permissions: [
      "area.read",
      "person.read",
      "person.manage",
      "event.read",
      "event.report",
      "event.handle",
      "visit.manage",
      "patrol.checkin",
    ],
  },
  {
    key: "grid_instructor",
    name: { "zh-CN": "网格指导员", en: "Grid instructor" },
    workScope: "subtree",
    permissions: ["area.read", "person.read", "event.read", "event.report", "event.supervise", "report.read"],
  },
  {
    key: "police_liaison",
    name: { "zh-CN": "社区民警", en: "Police liaison" },
    workScope: "subtree",
    permissions: ["area.read", "person.read", "tag.sensitive.read", "event.read", "event.report", "event.handle"],
  },
  {
    key: "mediator",
    name: { "zh-CN": "人民调解员", en: "Mediator" },
    workScope: "subtree",
    permissions: ["area.read", "event.read", "mediation.handle"],
  },
  {
    key: "volunteer",
    name: { "zh-CN": "志愿者", en: "Volunteer" },
    workScope: "subtree",
    permissions: ["event.report", "patrol.checkin"],
  },
  {
    key: "resident",
    name: { "zh-CN": "居民", en: "Resident" },
    workScope: "area",
    permissions: ["resident.self", "event.report"],
  },
  {
    // A command centre's wall (kiosk): it shows the figures of its area and changes nothing (screenReader).
    key: "screen",
    name: { "zh-CN": "指挥大屏", en: "Big screen" },
    workScope: "area",
    permissions: ["screen.view"],
  },
];

export function isRoleKey(value: string): value is RoleKey {
  return (ROLE_KEYS as readonly string[]).includes(value);
}

/** Roles nobody may grant to themselves, whatever their permissions (separation of duties). */
export const SELF_GRANT_FORBIDDEN: RoleKey[] = ["auditor", "admin"];

/** Permissions that stay with the auditor: a role editor may not give them to any other role. */
export const AUDITOR_ONLY_PERMISSIONS: Permission[] = ["audit.read", "audit.export"];

/**
 * All an audit role may hold (三员分立, GB/T 22239-2019 8.1.4.2): reading and exporting the trail, and
 * reading the accounts and areas it names, to tell who did what where. Nothing that reads residents'
 * data (person.read, person.reveal, tag.sensitive.read, event.read…), changes anything, or
 * administers: the auditor watches the others and is no one's substitute. Enforced on every path that
 * writes a role (account-authority.ts `refusedRolePermissions`) and again where a principal's
 * permissions are read (`conferredPermissions`), whatever the database holds.
 */
export const AUDIT_ROLE_PERMISSIONS: Permission[] = ["audit.read", "audit.export", "user.read", "area.read"];

/**
 * Roles only an auditor (or the CLI on the server) grants, edits, and whose holders' accounts they
 * manage: never the system admin (三员分立). Any role carrying an AUDITOR_ONLY permission counts too.
 */
export const AUDIT_ROLE_KEYS: RoleKey[] = ["auditor"];

/**
 * Permissions that administer others. A post carrying one is managed (password reset, lock, posts)
 * only by someone who holds all its permissions over its area: no one takes over an account with
 * powers they lack.
 */
export const ADMINISTRATIVE_PERMISSIONS: Permission[] = [
  "user.manage",
  "role.manage",
  "system.manage",
  "area.manage",
  "event.configure",
  "audit.read",
  "audit.export",
];
