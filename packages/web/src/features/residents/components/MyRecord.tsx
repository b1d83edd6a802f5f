import { formatYuan } from "@wangge/core";
import { Button, Card, Dialog, Empty, Form, Input, List, Result, Tag, Toast } from "antd-mobile";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { toApiError } from "../../../lib/api-client.ts";
import { errorMessageKey } from "../../../lib/error-message.ts";
import {
  type AccessEntry,
  getMyHousehold,
  getMyRecord,
  linkMyRecord,
  listMyAccessLog,
  listMySubsidies,
  type MyPayment,
  type ResidentHousehold,
  type ResidentRecord,
  unlinkMyRecord,
} from "../api/residents.ts";

/**
 * 我的档案 in the resident app: link one's account to one's registry record (name and ID number), then
 * one's household (others partly masked), one's household's subsidy payments, and who looked at the
 * record and why. Big touch targets and plain words: many readers are older people on cheap phones.
 */
function useToastFail() {
  const { t } = useTranslation();
  return useCallback((e: unknown) => Toast.show({ content: t(errorMessageKey(toApiError(e).code)) }), [t]);
}

const yuan = (fen: number) => `¥${formatYuan(fen)}`;
const when = (iso: string, lang: string) =>
  new Date(iso).toLocaleString(lang, {
    timeZone: "Asia/Shanghai",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  });

export function MyRecordPage({ onOpen }: { onOpen: (page: "household" | "subsidies" | "access-log") => void }) {
  const { t } = useTranslation();
  const fail = useToastFail();
  const [record, setRecord] = useState<ResidentRecord>();
  const load = useCallback(() => getMyRecord().then(setRecord, fail), [fail]);
  useEffect(() => {
    void load();
  }, [load]);
  if (!record) return null;
  if (!record.linked) return <LinkForm record={record} onLinked={setRecord} />;
  return (
    <div style={{ padding: 12 }}>
      <Card title={t("residents.myRecord")}>
        <div translate="no" style={{ fontSize: 18 }}>
          {record.name}
        </div>
        <div translate="no" style={{ color: "#666" }}>
          {record.idNumberMasked}
        </div>
        <div style={{ color: "#666" }}>{record.areaName}</div>
      </Card>
      <List style={{ marginTop: 12 }}>
        <List.Item arrow onClick={() => onOpen("household")}>
          {t("residents.household")}
        </List.Item>
        <List.Item arrow onClick={() => onOpen("subsidies")}>
          {t("residents.subsidies")}
        </List.Item>
        <List.Item arrow onClick={() => onOpen("access-log")}>
          {t("residents.accessLog")}
        </List.Item>
      </List>
      <Button
        block
        fill="outline"
        style={{ marginTop: 24 }}
        onClick={async () => {
          const sure = await Dialog.confirm({
            content: t("residents.unlinkConfirm"),
            confirmText: t("residents.unlink"),
            cancelText: t("common.cancel"),
          });
          if (!sure) return;
          try {
            await unlinkMyRecord();
            await load();
          } catch (e) {
            fail(e);
          }
        }}
      >
        {t("residents.unlink")}
      </Button>
    </div>
  );
}

function LinkForm({ record, onLinked }: { record: ResidentRecord; onLinked: (r: ResidentRecord) => void }) {
  const { t, i18n } = useTranslation();
  const [form] = Form.useForm();
  const [sending, setSending] = useState(false);
  const [problem, setProblem] = useState<string>();
  const locked = record.lockedUntil && new Date(record.lockedUntil) > new Date() ? record.lockedUntil : null;
  return (
    <div style={{ padding: 12 }}>
      <Card title={t("residents.linkTitle")}>{t("residents.linkIntro")}</Card>
      {locked ? (
        <Result status="warning" title={t("errors.RESIDENT_LINK_LOCKED")} description={when(locked, i18n.language)} />
      ) : (
        <Form
          form={form}
          layout="vertical"
          onFinish={async (values: { name: string; idNumber: string }) => {
            setSending(true);
            setProblem(undefined);
            try {
              onLinked(await linkMyRecord(values));
              Toast.show({ content: t("residents.linked") });
            } catch (e) {
              setProblem(t(errorMessageKey(toApiError(e).code)));
            } finally {
              setSending(false);
            }
          }}
          footer={
            <Button block type="submit" color="primary" size="large" loading={sending}>
              {t("residents.link")}
            </Button>
          }
        >
          <Form.Item
            name="name"
            label={t("residents.name")}
            rules={[{ required: true, message: t("residents.nameRequired") }]}
          >
            <Input autoComplete="name" clearable />
          </Form.Item>
          <Form.Item
            name="idNumber"
            label={t("residents.idNumber")}
            rules={[{ required: true, message: t("residents.idNumberRequired") }]}
          >
            <Input autoComplete="off" maxLength={18} clearable />
          </Form.Item>
        </Form>
      )}
      {problem && (
        <div role="alert" style={{ color: "#b71c1c", padding: "0 12px" }}>
          {problem}
        </div>
      )}
      <p style={{ color: "#666", padding: "0 12px" }}>{t("residents.linkPrivacy")}</p>
    </div>
  );
}

/** Shows the page once the resident's record is linked; else says how to link it. */
function useLinked<T>(load: () => Promise<T>) {
  const fail = useToastFail();
  const [data, setData] = useState<T>();
  const [notLinked, setNotLinked] = useState(false);
  useEffect(() => {
    load().then(setData, (e) => {
      if (toApiError(e).code === "RESIDENT_NOT_LINKED") setNotLinked(true);
      else fail(e);
    });
  }, [load, fail]);
  return { data, notLinked };
}

function NotLinked() {
  const { t } = useTranslation();
  return <Result status="info" title={t("errors.RESIDENT_NOT_LINKED")} />;
}

export function MyHouseholdPage() {
  const { t } = useTranslation();
  const { data, notLinked } = useLinked<ResidentHousehold>(getMyHousehold);
  if (notLinked) return <NotLinked />;
  if (!data) return null;
  return (
    <div style={{ padding: 12 }}>
      <Card title={t("residents.household")}>
        <div translate="no">{data.address ?? data.areaName}</div>
      </Card>
      <List style={{ marginTop: 12 }}>
        {data.members.map((m, i) => (
          <List.Item
            // biome-ignore lint/suspicious/noArrayIndexKey: members carry no id here (nothing of theirs beyond a masked name), and the list never reorders
            key={i}
            extra={m.relationship ? t(`residents.relationship.${m.relationship}`) : undefined}
          >
            <span translate="no">{m.name}</span> {m.self && <Tag color="primary">{t("residents.me")}</Tag>}
          </List.Item>
        ))}
      </List>
    </div>
  );
}

export function MySubsidiesPage() {
  const { t } = useTranslation();
  const { data, notLinked } = useLinked<MyPayment[]>(listMySubsidies);
  if (notLinked) return <NotLinked />;
  if (!data) return null;
  const total = data.reduce((sum, p) => sum + p.amountFen, 0);
  return (
    <div style={{ padding: 12 }}>
      <Card title={t("residents.subsidies")}>
        {data.length > 0 ? t("residents.subsidiesTotal", { count: data.length, total: yuan(total) }) : null}
      </Card>
      {data.length === 0 && <Empty description={t("residents.noSubsidies")} />}
      <List style={{ marginTop: 12 }}>
        {data.map((p) => (
          <List.Item
            key={p.id}
            description={
              <span>
                {p.paidOn} · <span translate="no">{p.batchTitle}</span>
              </span>
            }
            extra={<span style={{ fontSize: 18, color: "#b71c1c" }}>{yuan(p.amountFen)}</span>}
          >
            <span translate="no">{p.programName}</span>{" "}
            {p.self ? (
              <Tag color="primary">{t("residents.me")}</Tag>
            ) : (
              <Tag>
                <span translate="no">{p.name}</span>
              </Tag>
            )}
          </List.Item>
        ))}
      </List>
    </div>
  );
}

export function MyAccessLogPage() {
  const { t, i18n } = useTranslation();
  const { data, notLinked } = useLinked<AccessEntry[]>(listMyAccessLog);
  const lang = i18n.language === "en" ? "en" : "zh-CN";
  if (notLinked) return <NotLinked />;
  if (!data) return null;
  return (
    <div style={{ padding: 12 }}>
      <Card title={t("residents.accessLog")}>{t("residents.accessLogIntro")}</Card>
      {data.length === 0 && <Empty description={t("residents.noAccess")} />}
      <List style={{ marginTop: 12 }}>
        {data.map((e, i) => (
          <List.Item
            // biome-ignore lint/suspicious/noArrayIndexKey: two entries may share their time and action; the list is read once, never reordered
            key={i}
            description={
              <>
                <div>{when(e.at, i18n.language)}</div>
                {e.reason && (
                  <div>
                    {t("residents.reason")}
                    <span translate="no">{e.reason}</span>
                  </div>
                )}
              </>
            }
          >
            <div>
              {t(`residents.action.${e.action}`)}
              {e.fields.length > 0 && ` · ${e.fields.map((f) => t(`residents.field.${f}`)).join("、")}`}
            </div>
            <div style={{ color: "#555" }}>
              {e.system
                ? t("residents.bySystem")
                : e.posts.map((p) => [p.areaName, p.role[lang]].filter(Boolean).join(" ")).join("；") ||
                  t("residents.byStaff")}
              {e.staffName && <span translate="no"> · {e.staffName}</span>}
            </div>
          </List.Item>
        ))}
      </List>
    </div>
  );
}
