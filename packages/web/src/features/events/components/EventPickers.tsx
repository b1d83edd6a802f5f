import {
  type Candidate,
  type ClientConfig,
  type FeatureCollection,
  type PolygonalGeometry,
  pointInGeometry,
} from "@wangge/core";
import { Select, Space, Spin, Tag, Typography } from "antd";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { WgMap } from "../../../lib/map/WgMap.tsx";
import { useSearch } from "../../../lib/use-search.ts";
import {
  type DispatchTarget,
  listCandidates,
  listDispatchTargets,
  listMergeTargets,
  type MergeTarget,
} from "../api/events.ts";
import { useLang } from "./shared.tsx";

/**
 * The pickers of an event's work: a person (to assign or to mediate), an area below (to dispatch to)
 * and an open event (to merge into). Each asks the server for exactly what the write accepts and
 * shows names — nobody types an id. They are antd form controls (value / onChange).
 */

/** A person as a picker shows them: name · post · area (the posts that let them take the work). */
export function candidateLabel(c: Candidate, lang: "zh-CN" | "en"): string {
  const post = c.posts[0];
  return [c.displayName, post?.roleName[lang], post?.areaName].filter(Boolean).join(" · ");
}

export function CandidateSelect({
  eventId,
  purpose,
  value,
  onChange,
  label,
}: {
  eventId: string;
  purpose: "assignees" | "mediators";
  value?: string | undefined;
  onChange?: (userId: string | undefined) => void;
  label: string;
}) {
  const { t } = useTranslation();
  const lang = useLang();
  const { items, loading, search } = useSearch(
    (q) => listCandidates(eventId, purpose, q).then((p) => p.items),
    [eventId, purpose],
  );
  // The chosen person stays shown while the list is searched for someone else.
  const [chosen, setChosen] = useState<Candidate>();
  const options = useMemo(() => {
    const list = chosen && !items.some((c) => c.userId === chosen.userId) ? [chosen, ...items] : items;
    return list.map((c) => ({
      value: c.userId,
      label: (
        <span translate="no" data-candidate={c.displayName}>
          {candidateLabel(c, lang)}
          {c.atEventArea && (
            <Tag color="blue" style={{ marginInlineStart: 8 }}>
              {t("events.pickers.here")}
            </Tag>
          )}
        </span>
      ),
    }));
  }, [items, chosen, lang, t]);
  return (
    <Select
      allowClear
      value={value}
      aria-label={label}
      placeholder={t("events.pickers.personHint")}
      showSearch={{ filterOption: false, onSearch: search }}
      notFoundContent={loading ? <Spin size="small" /> : t("events.pickers.nobody")}
      options={options}
      onChange={(userId?: string) => {
        setChosen(items.find((c) => c.userId === userId));
        onChange?.(userId);
      }}
    />
  );
}

/**
 * An area below the event's to dispatch it to: picked from the list by name, or by clicking it on the
 * map of the event's area (the grid clicked, else the village).
 */
export function DispatchTargetField({
  eventId,
  config,
  shape,
  value,
  onChange,
  label,
}: {
  eventId: string;
  config: ClientConfig;
  shape: FeatureCollection | undefined;
  value?: string | undefined;
  onChange?: (code: string | undefined) => void;
  label: string;
}) {
  const { t } = useTranslation();
  const [targets, setTargets] = useState<DispatchTarget[]>();
  useEffect(() => {
    listDispatchTargets(eventId).then(setTargets, () => setTargets([]));
  }, [eventId]);
  const codes = useMemo(() => new Set((targets ?? []).map((a) => a.code)), [targets]);
  const names = useMemo(() => new Map((targets ?? []).map((a) => [a.code, a.name])), [targets]);
  const drawn = useMemo<FeatureCollection | undefined>(
    () => shape && { ...shape, features: shape.features.filter((f) => codes.has(String(f.properties?.code))) },
    [shape, codes],
  );
  const picked = useMemo<FeatureCollection | undefined>(
    () =>
      drawn && value ? { ...drawn, features: drawn.features.filter((f) => f.properties?.code === value) } : undefined,
    [drawn, value],
  );
  const pickAt = ([lng, lat]: [number, number]) => {
    // The deepest area under the click: a grid rather than the village around it.
    const hits = (drawn?.features ?? []).filter(
      (f) =>
        (f.geometry.type === "Polygon" || f.geometry.type === "MultiPolygon") &&
        pointInGeometry(lng, lat, f.geometry as PolygonalGeometry),
    );
    const hit = hits.sort((a, b) => String(b.properties?.code).length - String(a.properties?.code).length)[0];
    if (hit) onChange?.(String(hit.properties?.code));
  };
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Select
        value={value}
        aria-label={label}
        loading={!targets}
        placeholder={t("events.pickers.areaHint")}
        showSearch={{ optionFilterProp: "title" }}
        notFoundContent={t("events.pickers.noArea")}
        onChange={(code?: string) => onChange?.(code)}
        options={(targets ?? []).map((a) => ({
          value: a.code,
          title: a.name,
          label: (
            <span>
              <span translate="no">{a.name}</span>{" "}
              <Typography.Text type="secondary">{t(`areas.levels.${a.level}`)}</Typography.Text>
            </span>
          ),
        }))}
      />
      {drawn && drawn.features.length > 0 && (
        <>
          <Typography.Text type="secondary">
            {value ? t("events.pickers.areaPicked", { name: names.get(value) ?? value }) : t("events.pickers.mapHint")}
          </Typography.Text>
          <WgMap config={config.map} height={220} features={drawn} overlay={picked} label={label} onPick={pickAt} />
        </>
      )}
    </Space>
  );
}

/** An open event to merge into: the likely duplicates first, or any found by its number or words. */
export function MergeTargetSelect({
  eventId,
  value,
  onChange,
  label,
}: {
  eventId: string;
  value?: string | undefined;
  onChange?: (id: string | undefined) => void;
  label: string;
}) {
  const { t } = useTranslation();
  const { items, loading, search } = useSearch((q) => listMergeTargets(eventId, q), [eventId]);
  const [chosen, setChosen] = useState<MergeTarget>();
  const list = chosen && !items.some((e) => e.id === chosen.id) ? [chosen, ...items] : items;
  return (
    <Select
      allowClear
      value={value}
      aria-label={label}
      placeholder={t("events.pickers.mergeHint")}
      showSearch={{ filterOption: false, onSearch: search }}
      notFoundContent={loading ? <Spin size="small" /> : t("events.pickers.noMergeTarget")}
      onChange={(id?: string) => {
        setChosen(items.find((e) => e.id === id));
        onChange?.(id);
      }}
      options={list.map((e) => ({
        value: e.id,
        label: (
          <span data-merge-target={e.number}>
            <span translate="no">
              {e.number} · {e.title}
            </span>
            {e.likelyDuplicate && (
              <Tag color="orange" style={{ marginInlineStart: 8 }}>
                {t("events.pickers.likely", { n: Math.round((e.similarity ?? 0) * 100) })}
              </Tag>
            )}
          </span>
        ),
      }))}
    />
  );
}
