import type { EventFigure, Figure, FigureComparison, FigureCounts, FigureRates, VisitDueCounts } from "@wangge/core";
import { apiFetch } from "../../../lib/api-client.ts";

export type { EventFigure, Figure, FigureCounts, FigureRates, VisitDueCounts };

export interface FigureArea {
  code: string;
  name: string;
  level: string;
}

export interface Figures {
  area: FigureArea;
  trail: FigureArea[];
  from: string;
  to: string;
  category: string | null;
  counts: FigureCounts;
  rates: FigureRates;
  previous: { from: string; to: string; compare: FigureComparison; counts: FigureCounts; rates: FigureRates };
  by: "day" | "category" | "child" | null;
  rows: { key: string; name: string | null; level: string | null; counts: FigureCounts }[];
}

export interface OpenMatters {
  area: FigureArea;
  trail: FigureArea[];
  open: number;
  overdue: number;
  children: (FigureArea & { open: number; overdue: number; hasChildren: boolean })[];
}

const query = (params: Record<string, string | undefined>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  return q.toString();
};

export const getFigures = (params: {
  area?: string | undefined;
  from: string;
  to: string;
  by?: "day" | "category" | "child";
  /** What `previous` is: the period just before (default), last week's or last month's same days. */
  compare?: FigureComparison;
}) => apiFetch<Figures>(`/api/v1/figures?${query(params)}`);

export const getOpenMatters = (area?: string) => apiFetch<OpenMatters>(`/api/v1/figures/open?${query({ area })}`);

/** How many events a box of the inbox holds now (up to 200: "200+" beyond). */
export const countInbox = (params: { box: string; state?: string }) =>
  apiFetch<unknown[]>(`/api/v1/events?${query({ ...params, limit: "200" })}`).then((list) => list.length);

/** Visits due in an area now: overdue, due and visited within their rhythm (the due list's counts). */
export const getVisitsDue = (area: string) =>
  apiFetch<VisitDueCounts>(`/api/v1/visits/due-counts?${query({ areaCode: area })}`);
