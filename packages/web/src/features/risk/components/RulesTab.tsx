import {
  ALERT_LEVELS,
  AREA_LEVELS,
  DEFAULT_RULE_PARAMS,
  RISK_RULE_KINDS,
  type RiskRuleKind,
  type RuleDefinition,
} from "@wangge/core";
import {
  App,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Statistic,
  Switch,
  Table,
  Tag,
  Tooltip,
  Typography,
} from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { toApiError } from "../../../lib/api-client.ts";
import { errorMessageKey } from "../../../lib/error-message.ts";
import { placeFieldErrors, problemLines } from "../../../lib/problem.ts";
import {
  type BacktestResultView,
  createRule,
  listPlaybooks,
  listRules,
  type PlaybookView,
  type RiskRuleView,
  type RuleForm,
  runBacktest,
  saveRule,
} from "../api/risk.ts";
import { categoryText, formatTime, paramsText, summaryOf, useCategoryNames } from "./risk-texts.tsx";

/** Which parameters each kind has, and how they are entered. */
const PARAM_FIELDS: Record<
  RiskRuleKind,
  { key: string; type: "int" | "number" | "text" | "bool" | "select"; options?: readonly string[] }[]
> = {
  repeated_disputes: [
    { key: "match", type: "select", options: ["parties", "address"] },
    { key: "windowDays", type: "int" },
    { key: "minCount", type: "int" },
  ],
  category_surge: [
    { key: "categoryPrefix", type: "text" },
    {
      key: "areaLevel",
      type: "select",
      options: AREA_LEVELS.filter((l) => ["county", "township", "village", "grid"].includes(l)),
    },
    { key: "baselineWeeks", type: "int" },
    { key: "sdFactor", type: "number" },
    { key: "minCount", type: "int" },
  ],
  major_dispute: [
    { key: "unsettledDays", type: "int" },
    { key: "includeReopened", type: "bool" },
  ],
  care_overdue: [{ key: "graceDays", type: "int" }],
  sensitive_dates: [
    { key: "categoryPrefix", type: "text" },
    { key: "minCount", type: "int" },
  ],
};

const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const yearsAgo = (n: number) => new Date(Date.now() + 8 * 3_600_000 - n * 365 * 86_400_000).toISOString().slice(0, 10);

/**
 * Risk rules: the list of the reader's areas' rules (and those above that apply to them), the editor
 * for who may configure them, and the backtest (推演) of the rule as it stands in the editor — saved
 * or not — so thresholds are chosen by what they would have raised.
 */
export function RulesTab({
  canConfigure,
  canBacktest,
  areaCode,
}: {
  canConfigure: boolean;
  canBacktest: boolean;
  areaCode: string | null;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [rules, setRules] = useState<RiskRuleView[]>();
  const [editing, setEditing] = useState<RiskRuleView | "new">();
  const [playbooks, setPlaybooks] = useState<PlaybookView[]>([]);
  const categories = useCategoryNames();
  const load = useCallback(() => {
    listRules().then(setRules, (e) => message.error(t(errorMessageKey(toApiError(e).code))));
  }, [message, t]);
  useEffect(() => {
    load();
    listPlaybooks().then(setPlaybooks, () => setPlaybooks([]));
  }, [load]);
  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }}>
      {canConfigure ? (
        <Button type="primary" onClick={() => setEditing("new")}>
          {t("risk.rules.new")}
        </Button>
      ) : null}
      <Table
        rowKey="id"
        size="small"
        loading={!rules}
        dataSource={rules ?? []}
        pagination={false}
        columns={[
          {
            title: t("risk.rules.name"),
            dataIndex: "name",
            render: (v: string, r) => (
              <Button type="link" style={{ padding: 0 }} onClick={() => setEditing(r)}>
                {v}
              </Button>
            ),
          },
          { title: t("risk.rules.kind"), dataIndex: "kind", render: (k: string) => t(`risk.kind.${k}`) },
          {
            title: t("risk.rules.params"),
            dataIndex: "params",
            render: (p: Record<string, unknown>) => paramsText(t, p, categories.names),
          },
          {
            title: t("risk.area"),
            dataIndex: "areaName",
            onCell: () => ({ style: { whiteSpace: "nowrap" } }),
            onHeaderCell: () => ({ style: { whiteSpace: "nowrap" } }),
          },
          {
            title: t("risk.rules.enabled"),
            dataIndex: "enabled",
            render: (v: boolean) => (
              <Tag color={v ? "green" : "default"}>{v ? t("risk.rules.on") : t("risk.rules.off")}</Tag>
            ),
          },
          { title: t("risk.rules.openAlerts"), dataIndex: "openAlerts" },
        ]}
      />
      {editing ? (
        <RuleEditor
          rule={editing === "new" ? undefined : editing}
          canSave={editing === "new" ? canConfigure : editing.editable && canConfigure}
          canBacktest={canBacktest}
          areaCode={areaCode}
          playbooks={playbooks}
          onDone={() => {
            setEditing(undefined);
            load();
          }}
          onCancel={() => setEditing(undefined)}
        />
      ) : null}
    </Space>
  );
}

function RuleEditor({
  rule,
  canSave,
  canBacktest,
  areaCode,
  playbooks,
  onDone,
  onCancel,
}: {
  rule: RiskRuleView | undefined;
  canSave: boolean;
  canBacktest: boolean;
  areaCode: string | null;
  playbooks: PlaybookView[];
  onDone: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const [kind, setKind] = useState<RiskRuleKind>(rule?.kind ?? "repeated_disputes");
  const [saving, setSaving] = useState(false);
  const [range, setRange] = useState({ from: yearsAgo(1), to: today() });
  const [result, setResult] = useState<BacktestResultView>();
  const [testing, setTesting] = useState(false);
  const categories = useCategoryNames();
  useEffect(() => {
    form.setFieldsValue({
      name: rule?.name ?? "",
      areaCode: rule?.areaCode ?? areaCode ?? "",
      alertLevel: rule?.alertLevel ?? "township",
      enabled: rule?.enabled ?? true,
      playbookId: rule?.playbookId ?? null,
      kind: rule?.kind ?? "repeated_disputes",
      params: rule?.params ?? DEFAULT_RULE_PARAMS.repeated_disputes,
    });
  }, [rule, areaCode, form]);
  const fail = (e: unknown) => {
    const issues = toApiError(e).errors.map((i) => ({ ...i, path: i.path.replace(/^body\.rule\./, "body.") }));
    const { placed, unplaced } = placeFieldErrors(
      issues,
      (name) => form.getFieldInstance(name) !== undefined || name[0] === "params",
    );
    form.setFields(placed.map((p) => ({ name: p.name, errors: [p.message] })));
    message.error(problemLines(t, e, unplaced).join(" "));
  };
  const current = (): RuleForm => {
    const v = form.getFieldsValue(true);
    return {
      name: v.name,
      areaCode: v.areaCode,
      alertLevel: v.alertLevel,
      enabled: v.enabled,
      playbookId: v.playbookId ?? null,
      rule: { kind: v.kind, params: v.params } as RuleDefinition,
    };
  };
  const save = async () => {
    setSaving(true);
    try {
      const body = current();
      if (rule) await saveRule(rule.id, { ...body, version: rule.version });
      else await createRule({ ...body, id: crypto.randomUUID() });
      message.success(t("risk.rules.saved"));
      onDone();
    } catch (e) {
      fail(e);
    } finally {
      setSaving(false);
    }
  };
  const backtest = async () => {
    setTesting(true);
    try {
      const body = current();
      setResult(await runBacktest({ rule: body.rule, areaCode: body.areaCode, ...range }));
    } catch (e) {
      fail(e);
    } finally {
      setTesting(false);
    }
  };
  return (
    <Modal
      open
      width={960}
      title={rule ? rule.name : t("risk.rules.new")}
      onCancel={onCancel}
      footer={[
        <Button key="cancel" onClick={onCancel}>
          {t("common.cancel")}
        </Button>,
        ...(canSave
          ? [
              <Button key="save" type="primary" loading={saving} onClick={save}>
                {t("risk.rules.save")}
              </Button>,
            ]
          : []),
      ]}
    >
      <Form form={form} layout="vertical" disabled={!canSave && !canBacktest}>
        <Space wrap align="start">
          <Form.Item name="name" label={t("risk.rules.name")} rules={[{ required: true }]}>
            <Input style={{ width: 260 }} maxLength={60} disabled={!canSave} />
          </Form.Item>
          <Form.Item name="kind" label={t("risk.rules.kind")}>
            <Select
              style={{ width: 220 }}
              disabled={Boolean(rule) || !canSave}
              options={RISK_RULE_KINDS.map((k) => ({ value: k, label: t(`risk.kind.${k}`) }))}
              onChange={(k: RiskRuleKind) => {
                setKind(k);
                form.setFieldValue("params", DEFAULT_RULE_PARAMS[k]);
                setResult(undefined);
              }}
            />
          </Form.Item>
          <Form.Item name="areaCode" label={t("risk.rules.areaCode")}>
            <Input style={{ width: 160 }} disabled={!canSave} />
          </Form.Item>
          <Form.Item name="alertLevel" label={t("risk.rules.alertLevel")}>
            <Select
              style={{ width: 140 }}
              disabled={!canSave}
              options={ALERT_LEVELS.map((l) => ({ value: l, label: t(`risk.level.${l}`) }))}
            />
          </Form.Item>
          <Form.Item name="enabled" label={t("risk.rules.enabled")} valuePropName="checked">
            <Switch disabled={!canSave} />
          </Form.Item>
          <Form.Item name="playbookId" label={t("risk.rules.playbook")}>
            <Select
              style={{ width: 220 }}
              allowClear
              disabled={!canSave}
              options={playbooks.map((p) => ({ value: p.id, label: p.name }))}
            />
          </Form.Item>
        </Space>
        <Typography.Title level={5} style={{ marginTop: 0 }}>
          {t("risk.rules.params")}
        </Typography.Title>
        <Space wrap align="start">
          {PARAM_FIELDS[kind].map((f) => (
            <Form.Item
              key={f.key}
              name={["params", f.key]}
              label={t(`risk.param.${f.key}`)}
              valuePropName={f.type === "bool" ? "checked" : "value"}
            >
              {f.type === "int" ? (
                <InputNumber min={0} precision={0} style={{ width: 120 }} />
              ) : f.type === "number" ? (
                <InputNumber min={0} step={0.5} style={{ width: 120 }} />
              ) : f.type === "bool" ? (
                <Switch />
              ) : f.key === "categoryPrefix" ? (
                <Select
                  style={{ width: 220 }}
                  showSearch
                  optionFilterProp="label"
                  options={categories.list
                    .filter((c) => !c.parentKey)
                    .flatMap((g) => [
                      { value: `${g.key}.`, label: categoryText(t, categories.names, `${g.key}.`) },
                      ...categories.list
                        .filter((c) => c.parentKey === g.key)
                        .map((c) => ({ value: c.key, label: categoryText(t, categories.names, c.key) })),
                    ])}
                />
              ) : f.type === "select" ? (
                <Select
                  style={{ width: 140 }}
                  options={(f.options ?? []).map((o) => ({ value: o, label: t(`risk.option.${o}`) }))}
                />
              ) : (
                <Input style={{ width: 160 }} />
              )}
            </Form.Item>
          ))}
        </Space>
      </Form>
      {canBacktest ? (
        <Card size="small" title={t("risk.backtest.title")} data-testid="backtest">
          <Space wrap>
            <Input
              type="date"
              addonBefore={t("risk.backtest.from")}
              aria-label={t("risk.backtest.from")}
              value={range.from}
              onChange={(e) => setRange({ ...range, from: e.target.value })}
              style={{ width: 220 }}
            />
            <Input
              type="date"
              addonBefore={t("risk.backtest.to")}
              aria-label={t("risk.backtest.to")}
              value={range.to}
              onChange={(e) => setRange({ ...range, to: e.target.value })}
              style={{ width: 220 }}
            />
            <Button onClick={backtest} loading={testing}>
              {t("risk.backtest.run")}
            </Button>
          </Space>
          {result ? (
            <Space direction="vertical" style={{ width: "100%", marginTop: 12 }}>
              <Space size="large">
                <Statistic title={t("risk.backtest.raised")} value={result.summary.raised} />
                <Statistic title={t("risk.backtest.escalated")} value={result.summary.escalated} />
                <Statistic title={t("risk.backtest.reopened")} value={result.summary.reopened} />
                <Statistic
                  title={
                    <Tooltip title={t("risk.backtest.shareHint")}>
                      <span style={{ cursor: "help", borderBottom: "1px dotted" }}>{t("risk.backtest.share")}</span>
                    </Tooltip>
                  }
                  value={result.summary.share === null ? "—" : `${Math.round(result.summary.share * 100)}%`}
                />
              </Space>
              <Table
                rowKey={(r) => `${r.raisedAt}:${r.records[0]?.id ?? ""}`}
                size="small"
                pagination={{ pageSize: 10 }}
                dataSource={result.items}
                locale={{ emptyText: t("risk.backtest.none") }}
                columns={[
                  {
                    title: t("risk.backtest.when"),
                    dataIndex: "raisedAt",
                    render: (v: string) => formatTime(v),
                    width: 170,
                  },
                  {
                    title: t("risk.alerts.what"),
                    key: "what",
                    render: (_: unknown, i) => summaryOf(t, result.kind, i.figures, i.records.length),
                  },
                  {
                    title: t("risk.backtest.records"),
                    key: "records",
                    render: (_: unknown, i) => (
                      <span translate="no">{i.records.map((r) => r.label).join(t("risk.listSeparator"))}</span>
                    ),
                  },
                  {
                    title: t("risk.backtest.after"),
                    key: "after",
                    width: 180,
                    onHeaderCell: () => ({ style: { whiteSpace: "nowrap" } }),
                    render: (_: unknown, i) => (
                      <Space>
                        {i.escalated ? <Tag color="orange">{t("risk.backtest.wasEscalated")}</Tag> : null}
                        {i.reopened ? <Tag color="red">{t("risk.backtest.wasReopened")}</Tag> : null}
                        {!i.escalated && !i.reopened ? "—" : null}
                      </Space>
                    ),
                  },
                ]}
              />
            </Space>
          ) : null}
        </Card>
      ) : null}
    </Modal>
  );
}
