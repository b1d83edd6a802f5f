import i18next from "i18next";
import { beforeAll, describe, expect, it } from "vitest";
import en from "../../../i18n/locales/en.json";
import zhCN from "../../../i18n/locales/zh-CN.json";
import { halfOf, notificationText } from "./notification-text.ts";

const i18n = i18next.createInstance();
beforeAll(async () => {
  await i18n.init({
    lng: "zh-CN",
    resources: { "zh-CN": { translation: zhCN }, en: { translation: en } },
    interpolation: { escapeValue: false },
  });
});
const tIn = (lang: string) => i18n.getFixedT(lang);

const alert = {
  kind: "alert",
  title: "风险预警：重复纠纷 / Risk alert: Repeated disputes",
  note: null,
  alert: {
    id: "0193a000-0000-7000-8000-000000000001",
    kind: "repeated_disputes",
    ruleName: "同一当事人30天内3次纠纷",
    figures: { count: 3, windowDays: 30, match: "parties" },
    records: 3,
  },
};

describe("notificationText", () => {
  it("words a playbook task in the reader's half of its two languages, as a task of its own", () => {
    const task = {
      kind: "alert_task",
      title: "预案任务：网格员上门走访双方 / Playbook task: 网格员上门走访双方",
      note: "重复纠纷：邻里纠纷（一网格）· 纠纷预案 / Repeated disputes: 邻里纠纷 (一网格) · 纠纷预案",
    };
    expect(notificationText(tIn("zh-CN"), "zh-CN", task)).toEqual({
      title: "预案任务：网格员上门走访双方",
      subtitle: "预案任务派给您，请到风险预警页处置",
      note: "重复纠纷：邻里纠纷（一网格）· 纠纷预案",
    });
    expect(notificationText(tIn("en"), "en", task)).toEqual({
      title: "Playbook task: 网格员上门走访双方",
      subtitle: "A playbook task for you: handle it under Risk warning",
      note: "Repeated disputes: 邻里纠纷 (一网格) · 纠纷预案",
    });
  });

  it("words a risk alert in Chinese only for a Chinese reader, with a subtitle of its own", () => {
    expect(notificationText(tIn("zh-CN"), "zh-CN", alert)).toEqual({
      title: "风险预警：重复纠纷",
      subtitle: "新的风险预警，请到风险预警页签收处置",
      note: "相同当事人 30 天内 3 起纠纷（规则：同一当事人30天内3次纠纷）",
    });
  });

  it("words a risk alert in English for an English reader (the rule's name is as its author typed it)", () => {
    const text = notificationText(tIn("en"), "en", alert);
    expect(text.title).toBe("Risk alert: Repeated disputes");
    expect(text.subtitle).toBe("New risk alert: acknowledge and handle it under Risk warning");
    expect(text.note).toBe("The same parties: 3 disputes within 30 days (rule: 同一当事人30天内3次纠纷)");
  });

  it("shows the reader's half of an alert told before alerts were data", () => {
    const old = {
      kind: "alert",
      title: "风险预警：重复纠纷 / Risk alert: Repeated disputes",
      note: "同一当事人30天内3次纠纷：相同当事人 30 天内 3 起纠纷 / 3 disputes between the same parties within 30 days",
      alert: null,
    };
    expect(notificationText(tIn("zh-CN"), "zh-CN", old)).toMatchObject({
      title: "风险预警：重复纠纷",
      note: "同一当事人30天内3次纠纷：相同当事人 30 天内 3 起纠纷",
    });
    expect(notificationText(tIn("en"), "en", old)).toMatchObject({
      title: "Risk alert: Repeated disputes",
      note: "3 disputes between the same parties within 30 days",
    });
  });

  it.each([
    ["assign", "zh-CN", "派给您办理"],
    ["accept", "zh-CN", "办理进度：受理"],
    ["resolve", "en", "Progress: Resolve"],
    ["something_new", "zh-CN", "办理进度更新"],
  ])("gives the event news %s in %s the subtitle %s", (kind, lang, subtitle) => {
    const n = { kind, title: "A2026-0001 路灯不亮", note: null };
    expect(notificationText(tIn(lang), lang, n)).toEqual({ title: "A2026-0001 路灯不亮", subtitle, note: null });
  });
});

describe("halfOf", () => {
  it("keeps a text that is no pair whole", () => {
    expect(halfOf("县东社区", "en")).toBe("县东社区");
  });
});
