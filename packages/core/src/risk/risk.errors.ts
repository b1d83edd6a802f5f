/** Error codes of risk early warning: rules, alerts, playbooks and their tasks, the sensitive-dates calendar. */
export const RISK_ERRORS = {
  RISK_RULE_NOT_FOUND: "a risk rule does not exist or lies outside the caller's scope",
  RISK_RULE_ID_CONFLICT: "a rule, sensitive date or playbook is created with an id that already holds another record",
  RISK_RULE_STALE: "a rule is saved over a version someone else changed since it was read",
  RISK_ALERT_NOT_FOUND: "an alert does not exist or lies outside the caller's scope",
  RISK_ALERT_CLOSED: "an alert that is closed is acknowledged, closed again or given a playbook",
  RISK_ALERT_TASKS_OPEN: "an alert is closed while tasks of its playbook are still open",
  RISK_PLAYBOOK_NOT_FOUND: "a playbook does not exist",
  RISK_PLAYBOOK_ALREADY_STARTED: "a playbook is started on an alert that already runs one",
  RISK_TASK_NOT_FOUND: "a task does not exist or belongs to an alert outside the caller's scope",
  RISK_SENSITIVE_DATE_NOT_FOUND: "a sensitive date does not exist or lies outside the caller's scope",
  RISK_BACKTEST_UNSUPPORTED: "a backtest is asked of a rule kind whose past cannot be replayed (care visits)",
  RISK_BACKTEST_PERIOD: "a backtest period is empty, reversed or longer than the limit",
} as const;
export type RiskErrorCode = keyof typeof RISK_ERRORS;
export const RISK_ERROR_CODES = Object.keys(RISK_ERRORS) as RiskErrorCode[];
