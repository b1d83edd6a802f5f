import { type AlertNotification, EVENT_ACTIONS } from "@wangge/core";
import type { TFunction } from "i18next";

/**
 * A notification in the reader's language: its title, a subtitle saying what kind of news it is, and
 * a note. An event's news keeps the event's number and title (data, in the words it was reported in);
 * a risk alert is worded here from its data (kind, rule, figures), as the risk page words it. Alerts
 * told before they were stored as data carry a "中文 / English" text: the reader's half is shown.
 */
export interface NotificationLike {
  kind: string;
  title: string;
  note: string | null;
  alert?: AlertNotification | null;
}

export interface NotificationText {
  title: string;
  subtitle: string;
  note: string | null;
}

/** The event actions, each with a word of its own (events.action.*); other kinds read "progress update". */
const ACTIONS: ReadonlySet<string> = new Set(EVENT_ACTIONS);

const ALERT_KINDS = new Set([
  "repeated_disputes",
  "category_surge",
  "major_dispute",
  "care_overdue",
  "sensitive_dates",
]);

export function notificationText(t: TFunction, lang: string, n: NotificationLike): NotificationText {
  if (n.kind === "alert_task")
    return {
      title: halfOf(n.title, lang),
      subtitle: t("notices.bell.alertTask"),
      note: n.note === null ? null : halfOf(n.note, lang),
    };
  if (n.kind === "alert") {
    const subtitle = t("notices.bell.alertRaised");
    if (n.alert && ALERT_KINDS.has(n.alert.kind))
      return {
        title: t("notices.bell.alertTitle", { kind: t(`risk.kind.${n.alert.kind}`) }),
        subtitle,
        note: t("notices.bell.alertNote", { summary: alertSummary(t, n.alert), rule: n.alert.ruleName }),
      };
    return {
      title: halfOf(n.title, lang),
      subtitle,
      note: n.note === null ? null : halfOf(n.note, lang),
    };
  }
  const subtitle =
    n.kind === "assign"
      ? t("notices.bell.assigned")
      : ACTIONS.has(n.kind)
        ? t("notices.bell.action", { action: t(`events.action.${n.kind}`) })
        : t("notices.bell.progress");
  return { title: n.title, subtitle, note: n.note };
}

/** The one-line summary of an alert from its figures (the words of the risk page's summaries). */
function alertSummary(t: TFunction, a: AlertNotification): string {
  const f = a.figures;
  const key =
    a.kind === "major_dispute" ? `major_dispute_${f.reason === "reopened" ? "reopened" : "unsettled"}` : a.kind;
  return t(`risk.summary.${key}`, {
    ...f,
    n: a.records,
    match: f.match === "address" ? t("risk.match.address") : t("risk.match.parties"),
  });
}

/** The reader's half of a "中文 / English" text (the Chinese one for Chinese); the whole when it is no pair. */
export function halfOf(text: string, lang: string): string {
  const at = text.lastIndexOf(" / ");
  if (at < 0) return text;
  return lang.startsWith("zh") ? text.slice(0, at) : text.slice(at + 3);
}
