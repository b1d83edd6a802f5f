import { Button, CapsuleTabs, Empty, List, NoticeBar, Tag } from "antd-mobile";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { Loaded, type LoadState } from "../../../lib/mobile-load.tsx";
import { useKept, useQueue } from "../../../lib/offline/field-vault.tsx";
import { useSession } from "../../../lib/session.tsx";
import { type FieldDueItem, type FieldPack, getFieldPack } from "../api/field-visits.ts";
import { VISIT } from "../field-queue.ts";
import { here } from "../position.ts";

/**
 * Who is due for a visit in the worker's grid, overdue first (the server's order: nearest first from
 * the phone when it gave a position, else by address), kept on the phone for offline use. A visit just
 * recorded shows as such at once, even before it has reached the server.
 */
export function useFieldPack(): LoadState<FieldPack> {
  const { me } = useSession();
  const areaCode = ownGrid(me?.assignments ?? []);
  // As the sync keeps it (apps/field/sync.ts: paged, resumable); fetched here only before a first sync.
  return useKept(areaCode ? `pack/${areaCode}` : undefined, () => getFieldPack(areaCode));
}

/** The worker's own grid: the deepest area they are posted to. */
export function ownGrid(assignments: { areaCode?: string | null }[]): string | undefined {
  const codes = assignments.map((a) => a.areaCode).filter((c): c is string => Boolean(c));
  return codes.sort((a, b) => b.length - a.length)[0];
}

export function subjectKey(item: { householdId: string; personId: string | null }): string {
  return `${item.householdId}/${item.personId ?? ""}`;
}

/** Metres between two WGS-84 points (haversine; plenty for a walk through one grid). */
export function metresBetween(a: { lng: number; lat: number }, b: { lng: number; lat: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(h));
}

/** Nearest first from where the phone is (also offline); else the order kept (overdue first, by address). */
function walkingOrder(items: FieldDueItem[], here: { lng: number; lat: number } | undefined): FieldDueItem[] {
  if (!here) return items;
  const distance = (d: FieldDueItem) =>
    d.lng === null || d.lat === null ? Number.POSITIVE_INFINITY : metresBetween(here, { lng: d.lng, lat: d.lat });
  return items
    .map((d) => ({ ...d, distanceMeters: Number.isFinite(distance(d)) ? distance(d) : d.distanceMeters }))
    .sort((a, b) => (a.distanceMeters ?? Number.POSITIVE_INFINITY) - (b.distanceMeters ?? Number.POSITIVE_INFINITY));
}

export function FieldVisits() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === "en" ? "en" : "zh-CN";
  const navigate = useNavigate();
  const pack = useFieldPack();
  const queue = useQueue();
  const [status, setStatus] = useState<"todo" | "done">("todo");
  const [position, setPosition] = useState<{ lng: number; lat: number }>();
  useEffect(() => {
    void here().then(setPosition);
  }, []);
  // Visits recorded on this phone and not yet confirmed by the server's list.
  const recorded = new Set(
    queue
      .filter((q) => q.kind === VISIT)
      .map((q) => {
        const v = q.body as { householdId: string; personIds: string[] };
        return subjectKey({ householdId: v.householdId, personId: v.personIds[0] ?? null });
      }),
  );
  return (
    <div data-testid="field-visits">
      <CapsuleTabs activeKey={status} onChange={(key) => setStatus(key as "todo" | "done")}>
        <CapsuleTabs.Tab key="todo" title={t("field.visits.todo")} />
        <CapsuleTabs.Tab key="done" title={t("field.visits.done")} />
      </CapsuleTabs>
      <Loaded state={pack}>
        {(p) => {
          const items = walkingOrder(p.due, position).filter((d) =>
            status === "todo"
              ? d.status !== "done" && !recorded.has(subjectKey(d))
              : d.status === "done" || recorded.has(subjectKey(d)),
          );
          return (
            <>
              {status === "todo" && (
                <NoticeBar
                  color="info"
                  content={t("field.visits.counts", {
                    overdue: p.due.filter((d) => d.status === "overdue").length,
                    due: p.due.filter((d) => d.status === "due").length,
                  })}
                />
              )}
              {items.length === 0 ? (
                <Empty description={t("field.visits.none")} style={{ padding: 48 }} />
              ) : (
                <List>
                  {items.map((d) => (
                    <DueRow
                      key={subjectKey(d)}
                      item={d}
                      pending={recorded.has(subjectKey(d))}
                      tagName={(key) => p.plans.find((plan) => plan.key === key)?.name[lang] ?? key}
                      onOpen={() => navigate(`/visits/new?${visitQuery(d)}`)}
                    />
                  ))}
                </List>
              )}
            </>
          );
        }}
      </Loaded>
    </div>
  );
}

export function visitQuery(d: { householdId: string; personId: string | null }): string {
  return new URLSearchParams({
    householdId: d.householdId,
    ...(d.personId ? { personId: d.personId } : {}),
  }).toString();
}

function DueRow({
  item,
  pending,
  tagName,
  onOpen,
}: {
  item: FieldDueItem;
  pending: boolean;
  tagName: (key: string) => string;
  onOpen: () => void;
}) {
  const { t } = useTranslation();
  return (
    <List.Item
      onClick={onOpen}
      arrowIcon
      description={
        <span>
          <span translate="no">{item.address ?? t("field.visits.noAddress")}</span>
          {item.distanceMeters !== null && ` · ${t("field.visits.distance", { m: Math.round(item.distanceMeters) })}`}
        </span>
      }
      extra={
        pending ? (
          <Tag color="warning">{t("field.visits.recorded")}</Tag>
        ) : (
          <Tag color={item.status === "overdue" ? "danger" : item.status === "done" ? "success" : "primary"}>
            {t(`field.visits.status.${item.status}`)}
          </Tag>
        )
      }
    >
      <span translate="no">{item.name ?? t("field.visits.household")}</span>{" "}
      {item.tags.map((key) => (
        <Tag key={key} color="danger" fill="outline" style={{ marginLeft: 4 }}>
          {tagName(key)}
        </Tag>
      ))}
    </List.Item>
  );
}

export function RecordVisitButton({ onClick }: { onClick: () => void }) {
  const { t } = useTranslation();
  return (
    <Button block color="primary" onClick={onClick}>
      {t("field.visits.record")}
    </Button>
  );
}
