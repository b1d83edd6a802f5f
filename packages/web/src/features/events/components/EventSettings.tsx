import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { HANDLING_LEVELS, type HandlingLevel, PRIORITIES } from "@wangge/core";
import { App, Button, Card, DatePicker, Input, InputNumber, Select, Space, Switch, Table, Typography } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { type CalendarDay, type EventCategory, getCalendar, putCalendar, updateCategory } from "../api/events.ts";
import { useCategories, useFail, useLang } from "./shared.tsx";

/** Administrators' settings of events: each category's close level, deadlines and priority; the working calendar. */
export function EventSettings() {
  return (
    <Space direction="vertical" style={{ width: "100%" }} size="large">
      <CategoryEditor />
      <CalendarEditor />
    </Space>
  );
}

/** Deadlines are kept in working minutes; edited here in working hours (one office day is 6.5 hours). */
function CategoryEditor() {
  const { t } = useTranslation();
  const lang = useLang();
  const fail = useFail();
  const { message } = App.useApp();
  const { categories, reload } = useCategories();
  const [edits, setEdits] = useState<Record<string, EventCategory>>({});
  const leaves = categories.filter((c) => c.parentKey);
  const current = (c: EventCategory) => edits[c.key] ?? c;
  const change = (c: EventCategory, patch: Partial<EventCategory>) =>
    setEdits((e) => ({ ...e, [c.key]: { ...current(c), ...patch } }));
  const save = async (c: EventCategory) => {
    const { key: _k, parentKey: _p, ...settings } = current(c);
    try {
      await updateCategory(c.key, settings);
      message.success(t("events.saved"));
      setEdits(({ [c.key]: _, ...rest }) => rest);
      reload();
    } catch (e) {
      fail(e);
    }
  };
  return (
    <Card title={t("events.categoriesTitle")}>
      <Typography.Paragraph type="secondary">{t("events.deadlineHint")}</Typography.Paragraph>
      <Table
        rowKey="key"
        size="small"
        pagination={false}
        dataSource={leaves}
        scroll={{ x: true }}
        columns={[
          { title: t("events.category"), render: (_: unknown, c: EventCategory) => c.name[lang] },
          {
            title: t("events.closeLevel"),
            render: (_: unknown, c: EventCategory) => (
              <Select
                value={current(c).closeLevel}
                style={{ width: 110 }}
                aria-label={t("events.closeLevel")}
                onChange={(closeLevel: HandlingLevel) => change(c, { closeLevel })}
                options={HANDLING_LEVELS.map((l) => ({ value: l, label: t(`events.level.${l}`) }))}
              />
            ),
          },
          ...HANDLING_LEVELS.map((level) => ({
            title: t(`events.level.${level}`),
            render: (_: unknown, c: EventCategory) => (
              <InputNumber
                min={0.1}
                step={0.5}
                style={{ width: 80 }}
                aria-label={`${c.key} ${level}`}
                value={Math.round((current(c).deadlines[level] / 60) * 10) / 10}
                onChange={(h) =>
                  h !== null &&
                  change(c, { deadlines: { ...current(c).deadlines, [level]: Math.round(Number(h) * 60) } })
                }
              />
            ),
          })),
          {
            title: t("events.priorityLabel"),
            render: (_: unknown, c: EventCategory) => (
              <Select
                value={current(c).priority}
                style={{ width: 100 }}
                aria-label={t("events.priorityLabel")}
                onChange={(priority: EventCategory["priority"]) => change(c, { priority })}
                options={PRIORITIES.map((p) => ({ value: p, label: t(`events.priority.${p}`) }))}
              />
            ),
          },
          {
            title: t("events.active"),
            render: (_: unknown, c: EventCategory) => (
              <Switch checked={current(c).active} onChange={(active) => change(c, { active })} />
            ),
          },
          {
            title: "",
            render: (_: unknown, c: EventCategory) => (
              <Button size="small" type="primary" disabled={!edits[c.key]} onClick={() => save(c)}>
                {t("events.save")}
              </Button>
            ),
          },
        ]}
      />
    </Card>
  );
}

/** Official holidays and make-up working days (调休) of a year, as the deadlines count them. */
function CalendarEditor() {
  const { t } = useTranslation();
  const fail = useFail();
  const { message } = App.useApp();
  const [year, setYear] = useState(new Date().getFullYear());
  const [days, setDays] = useState<CalendarDay[]>();
  const [dirty, setDirty] = useState(false);
  useEffect(() => {
    setDays(undefined);
    setDirty(false);
    getCalendar(year).then(setDays, fail);
  }, [year, fail]);
  const update = (next: CalendarDay[]) => {
    setDays([...next].sort((a, b) => a.day.localeCompare(b.day)));
    setDirty(true);
  };
  return (
    <Card
      title={t("events.calendarTitle")}
      extra={
        <Space>
          <InputNumber
            min={2000}
            max={2100}
            value={year}
            aria-label={t("events.year")}
            onChange={(y) => y && setYear(Number(y))}
          />
          <Button
            type="primary"
            disabled={!dirty || !days}
            onClick={() =>
              putCalendar(year, days ?? []).then(
                (saved) => {
                  setDays(saved);
                  setDirty(false);
                  message.success(t("events.saved"));
                },
                (e) => fail(e),
              )
            }
          >
            {t("events.save")}
          </Button>
        </Space>
      }
    >
      <Space style={{ marginBottom: 12 }}>
        <DatePicker
          aria-label={t("events.addDay")}
          onChange={(d) => {
            const day = d?.format("YYYY-MM-DD");
            if (day && days && !days.some((x) => x.day === day))
              update([...days, { day, kind: "holiday", note: null }]);
          }}
        />
        <Typography.Text type="secondary">
          <PlusOutlined /> {t("events.addDayHint")}
        </Typography.Text>
      </Space>
      <Table
        rowKey="day"
        size="small"
        loading={!days}
        dataSource={days}
        pagination={{ pageSize: 15 }}
        columns={[
          { title: t("events.day"), dataIndex: "day" },
          {
            title: t("events.kind"),
            render: (_: unknown, d: CalendarDay) => (
              <Select
                value={d.kind}
                style={{ width: 140 }}
                aria-label={t("events.kind")}
                onChange={(kind: CalendarDay["kind"]) =>
                  update((days ?? []).map((x) => (x.day === d.day ? { ...x, kind } : x)))
                }
                options={[
                  { value: "holiday", label: t("events.holiday") },
                  { value: "workday", label: t("events.workday") },
                ]}
              />
            ),
          },
          {
            title: t("events.dayNote"),
            render: (_: unknown, d: CalendarDay) => (
              <Input
                value={d.note ?? ""}
                maxLength={100}
                translate="no"
                onChange={(e) =>
                  update((days ?? []).map((x) => (x.day === d.day ? { ...x, note: e.target.value || null } : x)))
                }
              />
            ),
          },
          {
            title: "",
            render: (_: unknown, d: CalendarDay) => (
              <Button
                size="small"
                icon={<DeleteOutlined />}
                aria-label={t("events.remove")}
                onClick={() => update((days ?? []).filter((x) => x.day !== d.day))}
              />
            ),
          },
        ]}
      />
    </Card>
  );
}
