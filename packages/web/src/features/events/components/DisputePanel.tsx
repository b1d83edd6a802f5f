import { FilePdfOutlined, MinusCircleOutlined, PlusOutlined } from "@ant-design/icons";
import {
  FOLLOWUP_KINDS,
  PARTY_ROLES,
  PERFORMANCE_STATES,
  RISK_GRADES,
  SATISFACTION,
  SESSION_OUTCOMES,
} from "@wangge/core";
import {
  Button,
  Card,
  DatePicker,
  Descriptions,
  Form,
  type FormInstance,
  Input,
  Select,
  Space,
  Table,
  Typography,
} from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { dateIn, pickedInstant } from "../../../lib/time-zone.ts";
import {
  addParty,
  type Dispute,
  getDispute,
  gradeDispute,
  recordFollowup,
  recordSession,
  saveAgreement,
} from "../api/events.ts";
import { CandidateSelect } from "./EventPickers.tsx";
import { useFail, useLang } from "./shared.tsx";

/**
 * The mediation record of a dispute: its risk grade and mediator, the parties, the sessions, the
 * agreement (with its PDF for signing) and the follow-ups. Mediators and officials with the right edit
 * it here. A form is emptied only once the server took it; a refusal marks its fields and keeps what
 * was typed. Times are entered and shown in the deployment's time zone.
 */
export function DisputePanel({
  eventId,
  canMediate,
  timezone,
}: {
  eventId: string;
  canMediate: boolean;
  timezone: string;
}) {
  const { t } = useTranslation();
  const lang = useLang();
  const fail = useFail();
  const [dispute, setDispute] = useState<Dispute>();
  const load = useCallback(() => getDispute(eventId).then(setDispute, fail), [eventId, fail]);
  useEffect(() => {
    load();
  }, [load]);
  if (!dispute) return null;
  /** Saves a change: the new record on success; a failure is the caller's to show (on its form). */
  const apply = (p: Promise<Dispute>) => p.then(setDispute);
  const shown = (at: string) => new Date(at).toLocaleString(lang, { timeZone: timezone });

  return (
    <Space direction="vertical" style={{ width: "100%" }} size="middle">
      <Descriptions size="small" bordered column={2}>
        <Descriptions.Item label={t("events.riskGrade")}>
          {canMediate ? (
            <Select
              value={dispute.riskGrade}
              style={{ width: 160 }}
              aria-label={t("events.riskGrade")}
              onChange={(g: string) => apply(gradeDispute(eventId, g)).catch((e) => fail(e))}
              options={RISK_GRADES.map((g) => ({ value: g, label: t(`events.risk.${g}`) }))}
            />
          ) : (
            t(`events.risk.${dispute.riskGrade}`)
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t("events.performanceLabel")}>
          {dispute.performance ? t(`events.performance.${dispute.performance}`) : "—"}
        </Descriptions.Item>
        <Descriptions.Item label={t("events.mediator")} span={2}>
          {canMediate ? (
            <div style={{ width: 360 }}>
              <CandidateSelect
                eventId={eventId}
                purpose="mediators"
                label={t("events.mediator")}
                value={dispute.mediatorUserId ?? undefined}
                onChange={(userId) =>
                  apply(gradeDispute(eventId, dispute.riskGrade, userId ?? null)).catch((e) => fail(e))
                }
              />
            </div>
          ) : (
            <span translate="no">{dispute.mediatorName ?? "—"}</span>
          )}
        </Descriptions.Item>
      </Descriptions>

      <Card size="small" title={t("events.parties")}>
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={dispute.parties}
          columns={[
            { title: t("events.partyRole"), dataIndex: "role", render: (v: string) => t(`events.role.${v}`) },
            { title: t("events.partyName"), dataIndex: "name", render: (v: string) => <span translate="no">{v}</span> },
            {
              title: t("events.idNumber"),
              dataIndex: "idNumber",
              render: (v: string | null) => <span translate="no">{v ?? "—"}</span>,
            },
            {
              title: t("events.residentPhone"),
              dataIndex: "phone",
              render: (v: string | null) => <span translate="no">{v ?? "—"}</span>,
            },
          ]}
        />
        {canMediate && <PartyForm onSubmit={(body) => apply(addParty(eventId, body))} />}
      </Card>

      <Card size="small" title={t("events.sessions")}>
        {dispute.sessions.map((s) => (
          <Typography.Paragraph key={s.id}>
            <Typography.Text strong>
              {shown(s.heldAt)} · {t(`events.outcome.${s.outcome}`)}
            </Typography.Text>
            <br />
            <span translate="no" style={{ whiteSpace: "pre-wrap" }}>
              {s.place} · {s.mediators} · {s.record}
            </span>
          </Typography.Paragraph>
        ))}
        {canMediate && <SessionForm timezone={timezone} onSubmit={(body) => apply(recordSession(eventId, body))} />}
      </Card>

      <Card
        size="small"
        title={t("events.agreement")}
        extra={
          dispute.agreement && (
            <a href={`/api/v1/events/${eventId}/dispute/agreement.pdf`} target="_blank" rel="noreferrer">
              <FilePdfOutlined /> {t("events.agreementPdf")}
            </a>
          )
        }
      >
        {dispute.agreement && (
          <Typography.Paragraph>
            <span translate="no">{dispute.agreement.number}</span>
          </Typography.Paragraph>
        )}
        {canMediate && (
          <AgreementForm
            dispute={dispute}
            timezone={timezone}
            onSubmit={(body) => apply(saveAgreement(eventId, body))}
          />
        )}
      </Card>

      <Card size="small" title={t("events.followups")}>
        {dispute.followups.map((f) => (
          <Typography.Paragraph key={f.id}>
            <Typography.Text strong>
              {shown(f.at)} · {t(`events.followupKind.${f.kind}`)}
            </Typography.Text>{" "}
            <span translate="no">{f.result}</span>
          </Typography.Paragraph>
        ))}
        {canMediate && <FollowupForm onSubmit={(body) => apply(recordFollowup(eventId, body))} />}
      </Card>
    </Space>
  );
}

type Submit = (body: Record<string, unknown>) => Promise<unknown>;

/** Sends a form: emptied when the server took it, its fields marked (and nothing lost) when not. */
function useSend(form: FormInstance, onSubmit: Submit, options: { reset?: boolean } = {}) {
  const fail = useFail();
  return (body: Record<string, unknown>) =>
    onSubmit(body).then(
      () => {
        if (options.reset !== false) form.resetFields();
      },
      (e) => {
        fail(e, form);
      },
    );
}

function PartyForm({ onSubmit }: { onSubmit: Submit }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const send = useSend(form, onSubmit);
  return (
    <Form form={form} layout="inline" style={{ marginTop: 12 }} onFinish={(v) => send(clean(v))}>
      <Form.Item name="role" rules={[{ required: true, message: t("events.required") }]}>
        <Select
          style={{ width: 130 }}
          placeholder={t("events.partyRole")}
          aria-label={t("events.partyRole")}
          options={PARTY_ROLES.map((r) => ({ value: r, label: t(`events.role.${r}`) }))}
        />
      </Form.Item>
      <Form.Item name="name" rules={[{ required: true, message: t("events.required") }]}>
        <Input placeholder={t("events.partyName")} style={{ width: 120 }} />
      </Form.Item>
      <Form.Item name="phone">
        <Input placeholder={t("events.residentPhone")} style={{ width: 140 }} />
      </Form.Item>
      <Form.Item name="idNumber">
        <Input placeholder={t("events.idNumber")} style={{ width: 190 }} />
      </Form.Item>
      <Button htmlType="submit" icon={<PlusOutlined />}>
        {t("events.addParty")}
      </Button>
    </Form>
  );
}

function SessionForm({ onSubmit, timezone }: { onSubmit: Submit; timezone: string }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const send = useSend(form, onSubmit);
  return (
    <Form
      form={form}
      layout="vertical"
      // The date and time picked are the deployment's wall time, whatever the browser's zone.
      onFinish={(v) => send({ ...clean(v), heldAt: pickedInstant(v.heldAt, timezone) })}
    >
      <Space wrap>
        <Form.Item name="heldAt" label={t("events.heldAt")} rules={[{ required: true, message: t("events.required") }]}>
          <DatePicker showTime aria-label={t("events.heldAt")} />
        </Form.Item>
        <Form.Item name="place" label={t("events.place")} rules={[{ required: true, message: t("events.required") }]}>
          <Input />
        </Form.Item>
        <Form.Item
          name="mediators"
          label={t("events.mediators")}
          rules={[{ required: true, message: t("events.required") }]}
        >
          <Input />
        </Form.Item>
        <Form.Item
          name="attendees"
          label={t("events.attendees")}
          rules={[{ required: true, message: t("events.required") }]}
        >
          <Input />
        </Form.Item>
        <Form.Item
          name="outcome"
          label={t("events.outcomeLabel")}
          rules={[{ required: true, message: t("events.required") }]}
        >
          <Select
            style={{ width: 140 }}
            options={SESSION_OUTCOMES.map((o) => ({ value: o, label: t(`events.outcome.${o}`) }))}
          />
        </Form.Item>
      </Space>
      <Form.Item
        name="record"
        label={t("events.record")}
        rules={[{ required: true, min: 2, message: t("events.required") }]}
      >
        <Input.TextArea rows={3} />
      </Form.Item>
      <Button htmlType="submit">{t("events.recordSession")}</Button>
    </Form>
  );
}

function AgreementForm({ dispute, timezone, onSubmit }: { dispute: Dispute; timezone: string; onSubmit: Submit }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const send = useSend(form, onSubmit, { reset: false });
  const a = dispute.agreement;
  return (
    <Form
      form={form}
      layout="vertical"
      initialValues={
        a ?? {
          obligations: [{ party: "", obligation: "", method: "", deadline: "" }],
          // Today where the deployment is.
          signedOn: dateIn(new Date(), timezone),
        }
      }
      onFinish={(v) => send(v)}
    >
      <Form.Item
        name="committee"
        label={t("events.committee")}
        rules={[{ required: true, message: t("events.required") }]}
      >
        <Input />
      </Form.Item>
      <Form.Item name="facts" label={t("events.facts")} rules={[{ required: true, message: t("events.required") }]}>
        <Input.TextArea rows={3} />
      </Form.Item>
      <Form.Item name="matters" label={t("events.matters")} rules={[{ required: true, message: t("events.required") }]}>
        <Input.TextArea rows={2} />
      </Form.Item>
      <Typography.Text strong>{t("events.obligations")}</Typography.Text>
      <Form.List name="obligations">
        {(fields, { add, remove }) => (
          <>
            {fields.map((f) => (
              <Space key={f.key} wrap align="baseline">
                <Form.Item name={[f.name, "party"]} rules={[{ required: true, message: t("events.required") }]}>
                  <Input placeholder={t("events.obligationParty")} style={{ width: 110 }} />
                </Form.Item>
                <Form.Item name={[f.name, "obligation"]} rules={[{ required: true, message: t("events.required") }]}>
                  <Input placeholder={t("events.obligation")} style={{ width: 240 }} />
                </Form.Item>
                <Form.Item name={[f.name, "method"]} rules={[{ required: true, message: t("events.required") }]}>
                  <Input placeholder={t("events.method")} style={{ width: 120 }} />
                </Form.Item>
                <Form.Item
                  name={[f.name, "deadline"]}
                  rules={[{ required: true, pattern: /^\d{4}-\d{2}-\d{2}$/, message: t("events.dateFormat") }]}
                >
                  <Input placeholder="2026-12-31" style={{ width: 120 }} />
                </Form.Item>
                <MinusCircleOutlined onClick={() => remove(f.name)} aria-label={t("events.remove")} />
              </Space>
            ))}
            <Button type="dashed" onClick={() => add()} icon={<PlusOutlined />} style={{ marginBottom: 12 }}>
              {t("events.addObligation")}
            </Button>
          </>
        )}
      </Form.List>
      <Space wrap>
        <Form.Item
          name="signedOn"
          label={t("events.signedOn")}
          rules={[{ required: true, pattern: /^\d{4}-\d{2}-\d{2}$/, message: t("events.dateFormat") }]}
        >
          <Input style={{ width: 140 }} />
        </Form.Item>
        <Form.Item
          name="mediatorName"
          label={t("events.mediatorName")}
          rules={[{ required: true, message: t("events.required") }]}
        >
          <Input />
        </Form.Item>
      </Space>
      <Button type="primary" htmlType="submit">
        {t("events.saveAgreement")}
      </Button>
    </Form>
  );
}

function FollowupForm({ onSubmit }: { onSubmit: Submit }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const send = useSend(form, onSubmit);
  const kind = Form.useWatch("kind", form);
  return (
    <Form form={form} layout="inline" onFinish={(v) => send({ ...clean(v), at: new Date().toISOString() })}>
      <Form.Item name="kind" rules={[{ required: true, message: t("events.required") }]}>
        <Select
          style={{ width: 130 }}
          placeholder={t("events.followupKindLabel")}
          aria-label={t("events.followupKindLabel")}
          options={FOLLOWUP_KINDS.map((k) => ({ value: k, label: t(`events.followupKind.${k}`) }))}
        />
      </Form.Item>
      {kind === "performance" && (
        <Form.Item name="performance" rules={[{ required: true, message: t("events.required") }]}>
          <Select
            style={{ width: 130 }}
            placeholder={t("events.performanceLabel")}
            aria-label={t("events.performanceLabel")}
            options={PERFORMANCE_STATES.map((p) => ({ value: p, label: t(`events.performance.${p}`) }))}
          />
        </Form.Item>
      )}
      {kind === "visit" && (
        <Form.Item name="satisfaction">
          <Select
            style={{ width: 130 }}
            placeholder={t("events.satisfactionLabel")}
            aria-label={t("events.satisfactionLabel")}
            options={SATISFACTION.map((s) => ({ value: s, label: t(`events.satisfaction.${s}`) }))}
          />
        </Form.Item>
      )}
      <Form.Item name="result" rules={[{ required: true, min: 2, message: t("events.required") }]}>
        <Input placeholder={t("events.result")} style={{ width: 260 }} />
      </Form.Item>
      <Button htmlType="submit">{t("events.recordFollowup")}</Button>
    </Form>
  );
}

function clean(values: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== null && v !== ""));
}
