import { formatFen } from "@wangge/core";
import { Card, Empty, ErrorBlock, Image, List, NavBar, ProgressBar, Steps, Tag, Toast } from "antd-mobile";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router";
import { toApiError } from "../../../lib/api-client.ts";
import { errorMessageKey } from "../../../lib/error-message.ts";
import {
  getProject,
  listProjects,
  type ProjectSummary,
  type PublicProject,
  projectFileUrl,
} from "../api/disclosures.ts";
import { CommentsSection } from "./ResidentComments.tsx";

/**
 * 民生项目 in 一库通: a village's projects (and its township's) with their progress, and a project's
 * page — budget in yuan with fen, funding source, contractor, milestones with planned and actual dates,
 * progress photos, every completion acceptance in order (a failed one with its rectification items),
 * earlier versions with the reason of each correction, and
 * residents' questions with the answers.
 */
const STAGE_COLOR: Record<string, string> = {
  not_started: "default",
  under_way: "primary",
  awaiting_acceptance: "warning",
  rectifying: "danger",
  completed: "success",
};

export function ProjectsList({ areaCode, q }: { areaCode: string; q: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [rows, setRows] = useState<ProjectSummary[]>();
  useEffect(() => {
    setRows(undefined);
    listProjects({ areaCode, ...(q ? { q } : {}) }).then(setRows, (e) => {
      setRows([]);
      Toast.show({ content: t(errorMessageKey(toApiError(e).code)) });
    });
  }, [areaCode, q, t]);
  return (
    <List>
      {rows?.length === 0 && <Empty description={t("projects.none")} />}
      {rows?.map((p) => (
        <List.Item
          key={p.id}
          arrow
          onClick={() => navigate(`../../j/${p.id}`, { relative: "path" })}
          description={
            <div>
              <span translate="no">{p.areaName}</span> · {t("projects.budgetYuan", { amount: formatFen(p.budgetFen) })}
              <div style={{ display: "flex", alignItems: "center", gap: 8, marginTop: 4 }}>
                <Tag color={STAGE_COLOR[p.stage] ?? "default"}>{t(`projects.stage.${p.stage}`)}</Tag>
                <ProgressBar
                  percent={p.milestonesTotal ? (100 * p.milestonesDone) / p.milestonesTotal : 0}
                  style={{ flex: 1 }}
                />
                <span>
                  {t("projects.progress", { done: String(p.milestonesDone), total: String(p.milestonesTotal) })}
                </span>
              </div>
            </div>
          }
        >
          <span translate="no">{p.title}</span>
        </List.Item>
      ))}
    </List>
  );
}

export function ProjectPage({ signedIn, onSignIn }: { signedIn: boolean; onSignIn: () => void }) {
  const { t } = useTranslation();
  const { id = "" } = useParams();
  const navigate = useNavigate();
  const [p, setP] = useState<PublicProject | null>();
  const load = useCallback(() => {
    getProject(id).then(setP, () => setP(null));
  }, [id]);
  useEffect(load, [load]);
  if (p === null) return <ErrorBlock status="empty" title={t("common.notFound")} description="" />;
  if (!p) return null;
  return (
    <div>
      <NavBar onBack={() => navigate(-1)} backIcon>
        {t("projects.title")}
      </NavBar>
      <div style={{ padding: 12 }}>
        <h2 style={{ margin: "0 0 6px" }} translate="no">
          {p.title}
        </h2>
        <div style={{ color: "#666", fontSize: 13 }}>
          <span translate="no">{p.areaName}</span> ·{" "}
          <Tag color={STAGE_COLOR[p.stage] ?? "default"}>{t(`projects.stage.${p.stage}`)}</Tag>
        </div>
        {p.correctionReason && (
          <Card style={{ marginTop: 12, background: "#fff7e6" }}>
            <strong>{t("projects.correctedVersion", { version: String(p.version) })}</strong>
            <div translate="no">{t("projects.reasonShown", { reason: p.correctionReason })}</div>
          </Card>
        )}
        <List style={{ marginTop: 12 }}>
          <List.Item title={t("projects.budget")}>
            <span data-testid="project-budget">{formatFen(p.budgetFen)}</span>
          </List.Item>
          <List.Item title={t("projects.fundingSource")}>
            <span translate="no">{p.fundingSource}</span>
          </List.Item>
          {p.contractor && (
            <List.Item title={t("projects.contractor")}>
              <span translate="no">{p.contractor}</span>
            </List.Item>
          )}
          {(p.startOn || p.plannedEndOn) && (
            <List.Item title={t("projects.period")}>
              {p.startOn ?? "…"} — {p.plannedEndOn ?? "…"}
            </List.Item>
          )}
        </List>
        {p.body && (
          <div style={{ whiteSpace: "pre-wrap", lineHeight: 1.7, marginTop: 12 }} translate="no">
            {p.body}
          </div>
        )}
        <Card title={t("projects.milestones")} style={{ marginTop: 12 }}>
          <Steps direction="vertical">
            {p.milestones.map((m) => (
              <Steps.Step
                key={m.id}
                status={
                  m.status === "done" ? "finish" : m.status === "in_progress" ? "process" : m.late ? "error" : "wait"
                }
                title={<span translate="no">{m.title}</span>}
                description={
                  <>
                    {t("projects.plannedOnShort", { on: m.plannedOn })}
                    {m.actualOn && ` · ${t("projects.actualOnShort", { on: m.actualOn })}`}
                    {m.late && ` · ${t("projects.late")}`}
                  </>
                }
              />
            ))}
          </Steps>
        </Card>
        {p.photos.length > 0 && (
          <Card title={t("projects.photos")} style={{ marginTop: 12 }}>
            <div style={{ display: "flex", flexWrap: "wrap", gap: 8 }}>
              {p.photos.map((f) => (
                <div key={f.id} style={{ width: 100 }}>
                  <Image src={projectFileUrl(p.id, f.id)} width={100} height={75} fit="cover" lazy alt={f.fileName} />
                  <div style={{ fontSize: 12, color: "#888" }} translate="no">
                    {p.milestones.find((m) => m.id === f.milestoneId)?.title ?? f.caption}
                  </div>
                </div>
              ))}
            </div>
          </Card>
        )}
        {p.acceptances.length > 0 && (
          <Card title={t("projects.acceptance")} style={{ marginTop: 12 }}>
            <Steps direction="vertical" data-testid="acceptance-history">
              {p.acceptances.map((a) => (
                <Steps.Step
                  key={a.id}
                  status={a.result === "passed" ? "finish" : "error"}
                  title={
                    <span data-testid="acceptance-entry">
                      {t("projects.acceptanceN", { n: String(a.number) })} · {a.acceptedOn}{" "}
                      <Tag color={a.result === "passed" ? "success" : "danger"}>{t(`projects.result.${a.result}`)}</Tag>
                    </span>
                  }
                  description={
                    <div style={{ lineHeight: 1.6 }}>
                      <div translate="no">{t("projects.acceptedByShort", { by: a.acceptedBy })}</div>
                      {a.signatories.length > 0 && (
                        <div>
                          {t("projects.signedByLine", {
                            list: a.signatories
                              .map((s) =>
                                t("projects.signatory", { role: t(`projects.signatoryRole.${s.role}`), unit: s.unit }),
                              )
                              .join(t("projects.listSeparator")),
                          })}
                        </div>
                      )}
                      {a.note && <div translate="no">{a.note}</div>}
                      {a.rectifications.length > 0 && (
                        <div>
                          {t("projects.rectifications")}
                          <ol style={{ margin: 0, paddingInlineStart: 18 }} translate="no">
                            {a.rectifications.map((r) => (
                              <li key={r}>{r}</li>
                            ))}
                          </ol>
                        </div>
                      )}
                      {a.document && (
                        <a href={projectFileUrl(p.id, a.document.id)} target="_blank" rel="noreferrer">
                          {t("projects.acceptanceDocument")}
                        </a>
                      )}
                    </div>
                  }
                />
              ))}
            </Steps>
          </Card>
        )}
        {p.earlier.length > 0 && (
          <List header={t("projects.earlier")} style={{ marginTop: 12 }}>
            {p.earlier.map((v) => (
              <List.Item
                key={v.version}
                description={
                  v.reason ? <span translate="no">{t("projects.reasonShown", { reason: v.reason })}</span> : null
                }
                extra={formatFen(v.budgetFen)}
              >
                {t("projects.versionN", { version: String(v.version) })}
              </List.Item>
            ))}
          </List>
        )}
        <CommentsSection
          subject={{ projectId: p.id }}
          subjectId={p.id}
          comments={p.comments}
          acceptsObjections={false}
          signedIn={signedIn}
          onSignIn={onSignIn}
          onChanged={load}
        />
      </div>
    </div>
  );
}
