import { formatFen } from "@wangge/core";
import { Button, Card, Empty, ErrorBlock, List, NavBar, SearchBar, Tabs, Tag, Toast } from "antd-mobile";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Route, Routes, useNavigate, useParams } from "react-router";
import { toApiError } from "../../../lib/api-client.ts";
import { errorMessageKey } from "../../../lib/error-message.ts";
import { useTimeFormat } from "../../../lib/format-time.ts";
import {
  type DisclosureList,
  getDisclosure,
  getProcedure,
  listDisclosures,
  listPublicAreas,
  type Procedure,
  type PublicArea,
  type PublicDisclosure,
  type PublicProcedure,
  publicFileUrl,
  searchProcedures,
} from "../api/disclosures.ts";
import { CommentsSection } from "./ResidentComments.tsx";
import { ProjectPage, ProjectsList } from "./ResidentProjects.tsx";

/**
 * 一库通 in the resident app: browse to a village (or find it by name), read its published 四务公开
 * items newest first, open one (the finance table in yuan with fen, files, corrections with their
 * reasons, answered questions and objections), and ask a question or lodge an objection while the
 * item is in its publicity period. Reading needs no sign-in; writing does (`signedIn`).
 */
const LAST_VILLAGE = "wangge.library.village";
const KINDS = ["party", "village", "finance", "service"] as const;

function useToastFail() {
  const { t } = useTranslation();
  return useCallback((e: unknown) => Toast.show({ content: t(errorMessageKey(toApiError(e).code)) }), [t]);
}

export function ResidentLibrary({ signedIn, onSignIn }: { signedIn: boolean; onSignIn: () => void }) {
  return (
    <Routes>
      <Route index element={<VillagePicker />} />
      <Route path="v/:code" element={<VillageItems />} />
      <Route path="d/:id" element={<ItemPage signedIn={signedIn} onSignIn={onSignIn} />} />
      <Route path="p/:id" element={<ProcedurePage signedIn={signedIn} onSignIn={onSignIn} />} />
      <Route path="j/:id" element={<ProjectPage signedIn={signedIn} onSignIn={onSignIn} />} />
    </Routes>
  );
}

function readLast(): { code: string; name: string } | undefined {
  try {
    const v = JSON.parse(localStorage.getItem(LAST_VILLAGE) ?? "null");
    return v && typeof v.code === "string" && typeof v.name === "string" ? v : undefined;
  } catch {
    return undefined;
  }
}

function VillagePicker() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const fail = useToastFail();
  const [trail, setTrail] = useState<PublicArea[]>([]);
  const [areas, setAreas] = useState<PublicArea[]>();
  const [q, setQ] = useState("");
  const last = readLast();
  const parent = trail.at(-1);
  useEffect(() => {
    setAreas(undefined);
    (q ? listPublicAreas({ q }) : listPublicAreas(parent ? { parentCode: parent.code } : {})).then(setAreas, (e) => {
      setAreas([]);
      fail(e);
    });
  }, [parent, q, fail]);
  const open = (a: PublicArea) => {
    if (a.level === "village") {
      localStorage.setItem(LAST_VILLAGE, JSON.stringify({ code: a.code, name: a.name }));
      navigate(`v/${a.code}`);
    } else setTrail([...trail, a]);
  };
  return (
    <div style={{ padding: 12 }}>
      <h2 style={{ margin: "4px 0 12px" }}>{t("disclosures.library")}</h2>
      <SearchBar placeholder={t("disclosures.findVillage")} onSearch={(v) => setQ(v.trim())} onClear={() => setQ("")} />
      {last && !q && trail.length === 0 && (
        <Button
          block
          color="primary"
          fill="outline"
          style={{ marginTop: 12 }}
          onClick={() => navigate(`v/${last.code}`)}
        >
          {t("disclosures.lastVillage")} <span translate="no">{last.name}</span>
        </Button>
      )}
      <List
        header={
          trail.length > 0 && !q ? (
            <span translate="no">{trail.map((a) => a.name).join(" › ")}</span>
          ) : (
            t("disclosures.chooseVillage")
          )
        }
        style={{ marginTop: 12 }}
      >
        {trail.length > 0 && !q && (
          <List.Item onClick={() => setTrail(trail.slice(0, -1))}>{t("disclosures.up")}</List.Item>
        )}
        {areas?.length === 0 && <Empty description={t("disclosures.noAreas")} />}
        {areas?.map((a) => (
          <List.Item key={a.code} arrow onClick={() => open(a)} extra={t(`disclosures.level.${a.level}`)}>
            <span translate="no">{a.name}</span>
          </List.Item>
        ))}
      </List>
    </div>
  );
}

function VillageItems() {
  const { t } = useTranslation();
  const { code = "" } = useParams();
  const navigate = useNavigate();
  const fail = useToastFail();
  const [kind, setKind] = useState("all");
  const [q, setQ] = useState("");
  const [list, setList] = useState<DisclosureList>();
  const [more, setMore] = useState(false);
  useEffect(() => {
    setList(undefined);
    if (kind === "procedures" || kind === "projects") return;
    listDisclosures({ areaCode: code, ...(kind !== "all" ? { kind } : {}), ...(q ? { q } : {}) }).then(setList, (e) => {
      setList({ items: [], nextCursor: null });
      fail(e);
    });
  }, [code, kind, q, fail]);
  const loadMore = async () => {
    if (!list?.nextCursor) return;
    setMore(true);
    try {
      const next = await listDisclosures({
        areaCode: code,
        cursor: list.nextCursor,
        ...(kind !== "all" ? { kind } : {}),
        ...(q ? { q } : {}),
      });
      setList({ items: [...list.items, ...next.items], nextCursor: next.nextCursor });
    } catch (e) {
      fail(e);
    } finally {
      setMore(false);
    }
  };
  const villageName = list?.items[0]?.areaName ?? readLast()?.name ?? code;
  return (
    <div>
      <NavBar onBack={() => navigate("../..", { relative: "path" })} backIcon>
        <span translate="no">{villageName}</span>
      </NavBar>
      <div style={{ padding: "0 12px" }}>
        <SearchBar placeholder={t("disclosures.search")} onSearch={(v) => setQ(v.trim())} onClear={() => setQ("")} />
      </div>
      <Tabs activeKey={kind} onChange={setKind}>
        <Tabs.Tab key="all" title={t("disclosures.all")} />
        {KINDS.map((k) => (
          <Tabs.Tab key={k} title={t(`disclosures.kind.${k}`)} />
        ))}
        <Tabs.Tab key="projects" title={t("projects.title")} />
        <Tabs.Tab key="procedures" title={t("disclosures.procedures")} />
      </Tabs>
      {kind === "procedures" && <Procedures areaCode={code} q={q} />}
      {kind === "projects" && <ProjectsList areaCode={code} q={q} />}
      {!other(kind) && list?.items.length === 0 && <Empty description={t("disclosures.none")} />}
      <List>
        {!other(kind) &&
          list?.items.map((d) => (
            <List.Item
              key={d.id}
              arrow
              onClick={() => navigate(`../../d/${d.id}`, { relative: "path" })}
              description={
                <>
                  {t(`disclosures.kind.${d.kind}`)} · {periodText(t, d.periodKind, d.periodKey)}
                  {d.corrected && (
                    <Tag color="warning" style={{ marginLeft: 6 }}>
                      {t("disclosures.corrected")}
                    </Tag>
                  )}
                  {d.publicityEndsAt && new Date(d.publicityEndsAt) > new Date() && (
                    <Tag color="primary" style={{ marginLeft: 6 }}>
                      {t("disclosures.inPublicity")}
                    </Tag>
                  )}
                </>
              }
            >
              <span translate="no">{d.title}</span>
            </List.Item>
          ))}
      </List>
      {!other(kind) && list?.nextCursor && (
        <Button block fill="none" loading={more} onClick={loadMore}>
          {t("disclosures.more")}
        </Button>
      )}
    </div>
  );
}

/** The tabs that are not lists of disclosures. */
const other = (kind: string) => kind === "procedures" || kind === "projects";

export function periodText(t: (k: string, o?: Record<string, string>) => string, kind: string, key: string): string {
  if (kind === "month")
    return t("disclosures.period.month", { year: key.slice(0, 4), month: String(Number(key.slice(5, 7))) });
  if (kind === "quarter") return t("disclosures.period.quarter", { year: key.slice(0, 4), quarter: key.slice(-1) });
  if (kind === "year") return t("disclosures.period.year", { year: key });
  return key;
}

function FinanceTableView({ v }: { v: PublicDisclosure["current"] }) {
  const { t } = useTranslation();
  if (!v.financeLines) return null;
  const cell = { padding: "6px 4px", borderBottom: "1px solid #eee" } as const;
  return (
    <Card title={t("disclosures.financeTable")} style={{ marginTop: 12 }}>
      <table
        style={{ width: "100%", borderCollapse: "collapse", fontSize: 14 }}
        aria-label={t("disclosures.financeTable")}
      >
        <thead>
          <tr>
            <th style={{ ...cell, textAlign: "left" }}>{t("disclosures.subject")}</th>
            <th style={{ ...cell, textAlign: "right" }}>{t("disclosures.income")}</th>
            <th style={{ ...cell, textAlign: "right" }}>{t("disclosures.expense")}</th>
          </tr>
        </thead>
        <tbody>
          {v.financeLines.map((l, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: lines have no id; their order is the table's
            <tr key={i}>
              <td style={cell}>
                <span translate="no">{l.subject}</span>
                {l.summary && (
                  <div style={{ color: "#888", fontSize: 12 }} translate="no">
                    {l.summary}
                  </div>
                )}
              </td>
              <td style={{ ...cell, textAlign: "right" }}>{l.direction === "income" ? formatFen(l.amountFen) : ""}</td>
              <td style={{ ...cell, textAlign: "right" }}>{l.direction === "expense" ? formatFen(l.amountFen) : ""}</td>
            </tr>
          ))}
          <tr style={{ fontWeight: 700 }}>
            <td style={cell}>{t("disclosures.total")}</td>
            <td style={{ ...cell, textAlign: "right" }} data-testid="income-total">
              {formatFen(v.incomeFen ?? 0)}
            </td>
            <td style={{ ...cell, textAlign: "right" }} data-testid="expense-total">
              {formatFen(v.expenseFen ?? 0)}
            </td>
          </tr>
        </tbody>
      </table>
      <div style={{ color: "#888", fontSize: 12, marginTop: 4 }}>{t("disclosures.unitYuan")}</div>
    </Card>
  );
}

function VersionBody({ id, v }: { id: string; v: PublicDisclosure["current"] }) {
  const { t } = useTranslation();
  return (
    <>
      <div style={{ whiteSpace: "pre-wrap", lineHeight: 1.7 }} translate="no">
        {v.body}
      </div>
      <FinanceTableView v={v} />
      {v.files.length > 0 && (
        <List header={t("disclosures.files")} style={{ marginTop: 12 }}>
          {v.files.map((f) => (
            <List.Item key={f.id} onClick={() => window.open(publicFileUrl(id, f.id), "_blank", "noopener")}>
              <span translate="no">{f.fileName}</span>
            </List.Item>
          ))}
        </List>
      )}
    </>
  );
}

function ItemPage({ signedIn, onSignIn }: { signedIn: boolean; onSignIn: () => void }) {
  const time = useTimeFormat();
  const { t } = useTranslation();
  const { id = "" } = useParams();
  const navigate = useNavigate();
  const [item, setItem] = useState<PublicDisclosure | null>();
  const load = useCallback(() => {
    getDisclosure(id).then(setItem, () => setItem(null));
  }, [id]);
  useEffect(load, [load]);
  if (item === null) return <ErrorBlock status="empty" title={t("common.notFound")} description="" />;
  if (!item) return null;
  const v = item.current;
  return (
    <div>
      <NavBar onBack={() => navigate(-1)} backIcon>
        {t(`disclosures.kind.${item.kind}`)}
      </NavBar>
      <div style={{ padding: 12 }}>
        <h2 style={{ margin: "0 0 6px" }} translate="no">
          {v.title}
        </h2>
        <div style={{ color: "#666", fontSize: 13 }}>
          <span translate="no">{item.areaName}</span> · {periodText(t, item.periodKind, item.periodKey)} ·{" "}
          {t("disclosures.publishedAt", { at: time.dateTime(v.publishedAt) })}
        </div>
        {item.publicityEndsAt && (
          <Tag color={item.acceptsObjections ? "primary" : "default"} style={{ marginTop: 6 }}>
            {item.acceptsObjections
              ? t("disclosures.publicityUntil", { at: time.dateTime(item.publicityEndsAt) })
              : t("disclosures.publicityEnded")}
          </Tag>
        )}
        {v.correctionReason && (
          <Card style={{ marginTop: 12, background: "#fff7e6" }}>
            <strong>{t("disclosures.correctedVersion", { version: String(v.version) })}</strong>
            <div translate="no">{t("disclosures.reason", { reason: v.correctionReason })}</div>
          </Card>
        )}
        <div style={{ marginTop: 12 }}>
          <VersionBody id={item.id} v={v} />
        </div>
        {item.earlier.length > 0 && (
          <List header={t("disclosures.earlier")} style={{ marginTop: 12 }}>
            {item.earlier.map((e) => (
              <List.Item
                key={e.version}
                description={t("disclosures.publishedAt", { at: time.dateTime(e.publishedAt) })}
                extra={e.incomeFen !== null ? `${formatFen(e.incomeFen)} / ${formatFen(e.expenseFen ?? 0)}` : undefined}
              >
                {t("disclosures.versionN", { version: String(e.version) })} <span translate="no">{e.title}</span>
              </List.Item>
            ))}
          </List>
        )}
        <CommentsSection
          subject={{ disclosureId: item.id }}
          subjectId={item.id}
          comments={item.comments}
          acceptsObjections={item.acceptsObjections}
          signedIn={signedIn}
          onSignIn={onSignIn}
          onChanged={load}
        />
      </div>
    </div>
  );
}

/** 办事指南 of the village and the areas above it, found by Chinese words or pinyin (full or initials). */
function Procedures({ areaCode, q }: { areaCode: string; q: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const fail = useToastFail();
  const [rows, setRows] = useState<Procedure[]>();
  useEffect(() => {
    setRows(undefined);
    searchProcedures({ areaCode, ...(q ? { q } : {}) }).then(setRows, (e) => {
      setRows([]);
      fail(e);
    });
  }, [areaCode, q, fail]);
  return (
    <List header={t("disclosures.procedureSearchHelp")}>
      {rows?.length === 0 && <Empty description={t("disclosures.noProcedures")} />}
      {rows?.map((p) => (
        <List.Item
          key={p.id}
          arrow
          onClick={() => navigate(`../../p/${p.id}`, { relative: "path" })}
          description={<span translate="no">{p.areaName}</span>}
        >
          <span translate="no">{p.title}</span>
        </List.Item>
      ))}
    </List>
  );
}

function ProcedurePage({ signedIn, onSignIn }: { signedIn: boolean; onSignIn: () => void }) {
  const { t } = useTranslation();
  const { id = "" } = useParams();
  const navigate = useNavigate();
  const [p, setP] = useState<PublicProcedure | null>();
  const load = useCallback(() => {
    getProcedure(id).then(setP, () => setP(null));
  }, [id]);
  useEffect(load, [load]);
  if (p === null) return <ErrorBlock status="empty" title={t("common.notFound")} description="" />;
  if (!p) return null;
  return (
    <div>
      <NavBar onBack={() => navigate(-1)} backIcon>
        {t("disclosures.procedures")}
      </NavBar>
      <div style={{ padding: 12 }}>
        <h2 style={{ margin: "0 0 6px" }} translate="no">
          {p.title}
        </h2>
        <List>
          <List.Item title={t("disclosures.materials")}>
            <ol style={{ margin: 0, paddingLeft: 20 }} translate="no">
              {p.materials.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ol>
          </List.Item>
          <List.Item title={t("disclosures.where")}>
            <span translate="no">{p.location}</span>
          </List.Item>
          <List.Item title={t("disclosures.fees")}>
            {p.fees ? <span translate="no">{p.fees}</span> : t("disclosures.free")}
          </List.Item>
          {p.timeLimit && (
            <List.Item title={t("disclosures.timeLimit")}>
              <span translate="no">{p.timeLimit}</span>
            </List.Item>
          )}
          {p.contact && (
            <List.Item title={t("disclosures.contact")}>
              <span translate="no">{p.contact}</span>
            </List.Item>
          )}
        </List>
        {p.body && (
          <div style={{ whiteSpace: "pre-wrap", lineHeight: 1.7, marginTop: 12 }} translate="no">
            {p.body}
          </div>
        )}
        <CommentsSection
          subject={{ procedureId: p.id }}
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
