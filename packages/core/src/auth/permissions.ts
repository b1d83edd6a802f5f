/**
 * The permission catalogue: every action the product guards. Roles are data (editable by admins);
 * permissions are code, because every route names the one it requires. Each entry says what it allows.
 */
export const PERMISSIONS = {
  "area.read": "view areas, grids and their staff",
  "area.manage": "create, edit, import and redraw areas, grids and police beats",
  "person.read": "view households, people and organisations (ID and phone masked)",
  "person.manage": "register and edit households, people and organisations",
  "person.reveal": "see a person's ID or phone number in clear, stating a reason",
  "tag.sensitive.read": "see sensitive tags (community correction, severe mental disorder, …)",
  "event.read": "view events and disputes",
  "event.report": "report an event",
  "event.handle": "accept, assign, handle and close events",
  "event.supervise": "supervise (督办) and escalate events of lower levels",
  "event.configure": "edit event categories, their deadlines and the working calendar",
  "mediation.handle": "run mediation sessions and draw up agreements",
  "visit.manage": "plan and record door-knocking visits",
  "visit.configure": "edit visit plans: the rhythm and checklist of every household and of care and service tags",
  "patrol.checkin": "check in on patrols",
  "notice.send":
    "send notices to residents, grid workers and village loudspeakers of one's areas, and see their delivery",
  "disclosure.manage": "publish four-affairs disclosures and subsidies",
  "disclosure.review": "review (审核) the four-affairs disclosures of the villages below before they are published",
  "disclosure.configure": "choose which kinds of four-affairs disclosure need a township's review before publication",
  "project.manage":
    "create, publish and correct livelihood projects (民生项目) of one's areas: milestones, progress photos, completion acceptance and residents' questions",
  "report.read": "read daily, weekly and monthly reports and dashboards",
  "report.write": "write the judgement and measures (研判意见) on the monthly reports of one's areas",
  "risk.read": "see risk alerts of one's areas with the records behind them, and backtest risk rules",
  "risk.handle": "acknowledge and close risk alerts, start playbooks and work their tasks",
  "risk.configure": "edit risk rules, playbooks and the calendar of sensitive dates",
  "screen.view": "open the big screen",
  "screen.manage": "issue, list and revoke read-only big-screen links (kiosk tokens) bound to one of one's areas",
  "user.read": "view user accounts and their assignments",
  "user.manage": "create, edit, lock and unlock user accounts and assign them to areas",
  "role.manage": "edit which permissions each role has",
  "system.manage": "rotate the encryption keys and run other maintenance of the deployment",
  "audit.read": "read the audit trail",
  "audit.export": "export the audit trail for archiving",
  "resident.self": "use the resident app for one's own reports and records",
} as const;

export type Permission = keyof typeof PERMISSIONS;
export const PERMISSION_KEYS = Object.keys(PERMISSIONS) as Permission[];

export function isPermission(value: string): value is Permission {
  return Object.hasOwn(PERMISSIONS, value);
}
