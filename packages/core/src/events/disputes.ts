/**
 * People's mediation (人民调解) of disputes, per the People's Mediation Law: the parties, how risky
 * the dispute is, the sessions and their outcomes, the written agreement (arts. 28–29: the parties,
 * the facts and matters in dispute, the obligations agreed with their method and deadline) and the
 * follow-up of its performance and of the parties (回访).
 */
export const RISK_GRADES = ["simple", "general", "major"] as const;
export type RiskGrade = (typeof RISK_GRADES)[number];

export const PARTY_ROLES = ["applicant", "respondent", "third_party"] as const;
export type PartyRole = (typeof PARTY_ROLES)[number];

export const SESSION_OUTCOMES = ["agreement", "continue", "failed"] as const;
export type SessionOutcome = (typeof SESSION_OUTCOMES)[number];

export const FOLLOWUP_KINDS = ["performance", "visit"] as const;
export type FollowupKind = (typeof FOLLOWUP_KINDS)[number];

export const PERFORMANCE_STATES = ["pending", "performed", "partly", "breached"] as const;
export type PerformanceState = (typeof PERFORMANCE_STATES)[number];

export const SATISFACTION = ["satisfied", "basically", "unsatisfied"] as const;
export type Satisfaction = (typeof SATISFACTION)[number];

export const RISK_GRADE_NAMES: Record<RiskGrade, { "zh-CN": string; en: string }> = {
  simple: { "zh-CN": "简易", en: "Simple" },
  general: { "zh-CN": "一般", en: "General" },
  major: { "zh-CN": "重大疑难", en: "Major or difficult" },
};

export const PARTY_ROLE_NAMES: Record<PartyRole, { "zh-CN": string; en: string }> = {
  applicant: { "zh-CN": "申请人", en: "Applicant" },
  respondent: { "zh-CN": "被申请人", en: "Respondent" },
  third_party: { "zh-CN": "第三人", en: "Third party" },
};

/** A dispute is an event whose category lies under the dispute group. */
export function isDisputeCategory(categoryKey: string): boolean {
  return categoryKey.startsWith("dispute.");
}

/** The grade a new dispute starts with, by its category; the mediator re-grades it after assessing it. */
export function suggestedRiskGrade(categoryKey: string): RiskGrade {
  if (categoryKey === "dispute.land_acquisition") return "major";
  const general = ["dispute.land_forest", "dispute.labour", "dispute.medical", "dispute.environment"];
  return general.includes(categoryKey) ? "general" : "simple";
}
