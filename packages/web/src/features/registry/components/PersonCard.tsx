import { Alert, App, Button, Descriptions, Drawer, Space, Table, Tag, Timeline, Typography } from "antd";
import { type ReactNode, useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { AreaName } from "../../../components/AreaName.tsx";
import { ReasonModal } from "../../../components/ReasonModal.tsx";
import { toApiError } from "../../../lib/api-client.ts";
import { errorMessageKey } from "../../../lib/error-message.ts";
import { useTimeFormat } from "../../../lib/format-time.ts";
import {
  type AccessEntry,
  getAccessLog,
  getPerson,
  type PersonDetail,
  revealPerson,
  type SubjectTag,
} from "../api/registry.ts";
import { birthText } from "./birth.ts";

/**
 * A person's card: masked ID and phone, tags as chips (care tags stand out), the grids they belonged
 * to, and who looked at the record. Revealing asks for a reason; the clear values are shown once.
 */
export function TagChips({ tags }: { tags: SubjectTag[] }) {
  const { i18n } = useTranslation();
  const lang = i18n.language === "en" ? "en" : "zh-CN";
  return (
    <Space size={[4, 4]} wrap>
      {tags.map((tag) => (
        <Tag
          key={tag.id}
          color={tag.category === "care" ? "volcano" : tag.category === "sensitive" ? "purple" : "blue"}
          data-category={tag.category}
        >
          {tag.name[lang]}
        </Tag>
      ))}
    </Space>
  );
}

export function PersonCard({
  personId,
  canReveal,
  onClose,
  extra,
}: {
  personId: string | undefined;
  canReveal: boolean;
  onClose: () => void;
  /** More of the person's record, composed by the app (their visits). */
  extra?: ((personId: string) => ReactNode) | undefined;
}) {
  const time = useTimeFormat();
  const { t, i18n } = useTranslation();
  const lang = i18n.language === "en" ? "en" : "zh-CN";
  const { message } = App.useApp();
  const [person, setPerson] = useState<PersonDetail>();
  const [log, setLog] = useState<AccessEntry[]>([]);
  const [revealed, setRevealed] = useState<{ idNumber?: string | null; phone?: string | null }>();
  const [asking, setAsking] = useState(false);
  const fail = useCallback((e: unknown) => message.error(t(errorMessageKey(toApiError(e).code))), [message, t]);

  useEffect(() => {
    setPerson(undefined);
    setRevealed(undefined);
    if (!personId) return;
    getPerson(personId).then((p) => {
      setPerson(p);
      getAccessLog(personId).then(setLog, () => setLog([]));
    }, fail);
  }, [personId, fail]);

  const reveal = async (reason: string) => {
    if (!personId) return;
    try {
      setRevealed(await revealPerson(personId, ["idNumber", "phone"], reason));
      setAsking(false);
      getAccessLog(personId).then(setLog, () => undefined);
    } catch (e) {
      fail(e);
    }
  };

  return (
    <Drawer
      open={Boolean(personId)}
      onClose={onClose}
      width={560}
      title={person ? <span translate="no">{person.name}</span> : t("common.loading")}
      destroyOnHidden
    >
      {person && (
        <Space direction="vertical" style={{ width: "100%" }} size="middle">
          <TagChips tags={person.tags} />
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t("registry.gender")}>
              {person.gender ? t(`registry.genders.${person.gender}`) : "—"}
            </Descriptions.Item>
            <Descriptions.Item label={t("registry.birthDate")}>
              <span
                data-testid="person-birth"
                title={person.birthDate === null && person.birthYear ? t("registry.birthYearOnly") : undefined}
              >
                {birthText(person, t)}
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t("registry.ethnicity")}>{person.ethnicity?.name[lang] ?? "—"}</Descriptions.Item>
            <Descriptions.Item label={t("registry.idNumber")}>
              <span translate="no" data-testid="person-id-number">
                {revealed?.idNumber ?? person.idNumber ?? "—"}
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t("registry.phone")}>
              <span translate="no" data-testid="person-phone">
                {revealed?.phone ?? person.phone ?? "—"}
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t("registry.residenceStatus")}>
              {t(`registry.residence.${person.residenceStatus}`)}
            </Descriptions.Item>
            <Descriptions.Item label={t("registry.partyMember")}>
              {person.partyMember ? t("common.yes") : t("common.no")}
              {person.partyBranch ? <span translate="no">{` · ${person.partyBranch}`}</span> : null}
            </Descriptions.Item>
            <Descriptions.Item label={t("registry.registeredAddress")}>
              <span translate="no">{person.registeredAddress ?? "—"}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t("registry.grid")}>
              <AreaName code={person.gridCode} withCode />
            </Descriptions.Item>
          </Descriptions>
          {revealed ? (
            <Alert type="warning" showIcon title={t("registry.revealedNote")} />
          ) : (
            canReveal && (
              <Button onClick={() => setAsking(true)} danger>
                {t("registry.reveal")}
              </Button>
            )
          )}
          <Typography.Title level={5}>{t("registry.attribution")}</Typography.Title>
          <Timeline
            items={person.attribution.map((a) => ({
              color: a.validTo ? "gray" : "green",
              children: (
                <span>
                  <span translate="no" title={a.areaCode ?? undefined}>
                    {a.areaName ?? a.areaCode ?? "—"}
                  </span>
                  {` ${a.validFrom.slice(0, 10)} – ${a.validTo ? a.validTo.slice(0, 10) : t("registry.now")}`}
                </span>
              ),
            }))}
          />
          {extra?.(person.id)}
          <Typography.Title level={5}>{t("registry.accessLog")}</Typography.Title>
          <Table
            size="small"
            rowKey={(r) => `${r.at}-${r.action}`}
            pagination={false}
            dataSource={log}
            columns={[
              { title: t("registry.when"), dataIndex: "at", render: (v: string) => time.dateTime(v) },
              {
                title: t("registry.who"),
                dataIndex: "username",
                render: (v: string | null) => <span translate="no">{v ?? "—"}</span>,
              },
              { title: t("registry.what"), dataIndex: "action", render: (v: string) => t(`registry.actions.${v}`) },
              {
                title: t("registry.reason"),
                dataIndex: "reason",
                render: (v: string | null) => <span translate="no">{v ?? ""}</span>,
              },
            ]}
          />
        </Space>
      )}
      <ReasonModal
        open={asking}
        title={t("registry.revealTitle")}
        okText={t("registry.revealConfirm")}
        onCancel={() => setAsking(false)}
        onReason={reveal}
      />
    </Drawer>
  );
}
