import { formatYuan } from "@wangge/core";
import { Card, Collapse, Empty, List, NavBar, SearchBar, Toast } from "antd-mobile";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Route, Routes, useNavigate, useParams } from "react-router";
import { toApiError } from "../../../lib/api-client.ts";
import { errorMessageKey } from "../../../lib/error-message.ts";
import {
  getPublicList,
  listPublicAreas,
  listPublicBatches,
  type PublicArea,
  type PublicSubsidyBatch,
  type PublicSubsidyList,
} from "../api/subsidies.ts";

/**
 * 惠民补贴公示 in the resident app (/h5/subsidies): browse to a village (or find it by name), its
 * published payment batches newest first, and a batch's 公示 list — names partly masked (韦*强), the
 * amount where the programme shows amounts, the date paid — with each programme's rules. No sign-in:
 * the lists are public, as on the village's notice board.
 */
function useToastFail() {
  const { t } = useTranslation();
  return useCallback((e: unknown) => Toast.show({ content: t(errorMessageKey(toApiError(e).code)) }), [t]);
}

export function ResidentScreen() {
  return (
    <Routes>
      <Route index element={<VillagePicker />} />
      <Route path="v/:code" element={<VillageBatches />} />
      <Route path="b/:id" element={<BatchList />} />
    </Routes>
  );
}

function VillagePicker() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const fail = useToastFail();
  const [trail, setTrail] = useState<PublicArea[]>([]);
  const [areas, setAreas] = useState<PublicArea[]>();
  const [q, setQ] = useState("");
  const parent = trail.at(-1);
  useEffect(() => {
    setAreas(undefined);
    (q ? listPublicAreas({ q }) : listPublicAreas(parent ? { parentCode: parent.code } : {})).then(setAreas, (e) => {
      setAreas([]);
      fail(e);
    });
  }, [parent, q, fail]);
  const open = (a: PublicArea) => (a.level === "village" ? navigate(`v/${a.code}`) : setTrail([...trail, a]));
  return (
    <div style={{ padding: 12 }}>
      <h2 style={{ margin: "4px 0 12px" }}>{t("subsidies.resident.title")}</h2>
      <SearchBar
        placeholder={t("subsidies.resident.findVillage")}
        onSearch={(v) => setQ(v.trim())}
        onClear={() => setQ("")}
      />
      <List
        header={
          trail.length > 0 && !q ? (
            <span translate="no">{trail.map((a) => a.name).join(" › ")}</span>
          ) : (
            t("subsidies.resident.chooseVillage")
          )
        }
        style={{ marginTop: 12 }}
      >
        {trail.length > 0 && !q && (
          <List.Item onClick={() => setTrail(trail.slice(0, -1))}>{t("subsidies.resident.up")}</List.Item>
        )}
        {areas?.length === 0 && <Empty description={t("subsidies.resident.noAreas")} />}
        {areas?.map((a) => (
          <List.Item key={a.code} arrow onClick={() => open(a)}>
            <span translate="no">{a.name}</span>
          </List.Item>
        ))}
      </List>
    </div>
  );
}

const day = (iso: string, lang: string) =>
  new Date(iso).toLocaleDateString(lang, {
    timeZone: "Asia/Shanghai",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  });

function VillageBatches() {
  const { t, i18n } = useTranslation();
  const { code = "" } = useParams();
  const navigate = useNavigate();
  const fail = useToastFail();
  const [batches, setBatches] = useState<PublicSubsidyBatch[]>();
  useEffect(() => {
    setBatches(undefined);
    listPublicBatches(code).then(setBatches, (e) => {
      setBatches([]);
      fail(e);
    });
  }, [code, fail]);
  return (
    <div>
      <NavBar onBack={() => navigate("../..", { relative: "path" })} backIcon>
        <span translate="no">{batches?.[0]?.areaName ?? t("subsidies.resident.title")}</span>
      </NavBar>
      {batches?.length === 0 && <Empty description={t("subsidies.resident.none")} />}
      <List>
        {batches?.map((b) => (
          <List.Item
            key={b.id}
            arrow
            onClick={() => navigate(`../../b/${b.id}`, { relative: "path" })}
            description={t("subsidies.resident.batchLine", {
              at: day(b.publishedAt, i18n.language),
              rows: b.rowCount,
            })}
          >
            <span translate="no">{b.title}</span>
          </List.Item>
        ))}
      </List>
    </div>
  );
}

function BatchList() {
  const { t, i18n } = useTranslation();
  const { id = "" } = useParams();
  const navigate = useNavigate();
  const fail = useToastFail();
  const [list, setList] = useState<PublicSubsidyList>();
  useEffect(() => {
    getPublicList(id).then(setList, fail);
  }, [id, fail]);
  if (!list) return null;
  return (
    <div>
      <NavBar onBack={() => navigate(-1)} backIcon>
        <span translate="no">{list.batch.title}</span>
      </NavBar>
      <div style={{ padding: "0 12px", color: "#666" }}>
        <span translate="no">{list.batch.areaName}</span> ·{" "}
        {t("subsidies.resident.batchLine", {
          at: day(list.batch.publishedAt, i18n.language),
          rows: list.batch.rowCount,
        })}
      </div>
      {list.programs.map((p) => {
        const rows = list.rows.filter((r) => r.programId === p.id);
        return (
          <Card key={p.id} title={<span translate="no">{p.name}</span>} style={{ margin: 12 }}>
            <Collapse>
              <Collapse.Panel key="rules" title={t("subsidies.resident.rules")}>
                <div translate="no" style={{ whiteSpace: "pre-wrap" }}>
                  {p.rules}
                </div>
              </Collapse.Panel>
            </Collapse>
            {p.publicAmount === "hidden" && (
              <div style={{ color: "#666", marginTop: 8 }}>{t("subsidies.resident.amountsHidden")}</div>
            )}
            <table aria-label={p.name} style={{ width: "100%", marginTop: 8, borderCollapse: "collapse" }}>
              <thead>
                <tr style={{ textAlign: "left", color: "#666" }}>
                  <th>{t("subsidies.name")}</th>
                  {p.publicAmount === "exact" && <th style={{ textAlign: "right" }}>{t("subsidies.amountYuan")}</th>}
                  <th style={{ textAlign: "right" }}>{t("subsidies.paidOn")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r, i) => (
                  // Rows alike in every shown field are alike to the reader: their place is their key.
                  // biome-ignore lint/suspicious/noArrayIndexKey: a public row has no identity to show
                  <tr key={i} style={{ borderTop: "1px solid #eee", height: 40 }}>
                    <td translate="no">{r.name}</td>
                    {p.publicAmount === "exact" && (
                      <td style={{ textAlign: "right" }}>{r.amountFen === null ? "" : formatYuan(r.amountFen)}</td>
                    )}
                    <td style={{ textAlign: "right" }}>{r.paidOn}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>
        );
      })}
    </div>
  );
}
