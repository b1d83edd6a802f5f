import {
  type ClientConfig,
  cutWith,
  type FeatureCollection,
  type FieldIssue,
  GRID_KINDS,
  nextChildCodes,
  type PolygonalGeometry,
} from "@wangge/core";
import { Alert, App, Button, Card, Checkbox, Form, Input, Segmented, Select, Space, Typography } from "antd";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useFormFail } from "../../../components/useFormFail.tsx";
import { type AreaDetail, importGrids, mergeGrids, setBoundary, splitGrid } from "../api/areas.ts";

/**
 * Drawing on the map and reshaping grids: draw or redraw the selected area's boundary, draw a new
 * grid under it, split a grid by drawing the part to cut off, merge neighbouring grids. Every change
 * goes through the same API as an integrator's, and its errors are shown field by field.
 */
type Point = [number, number];
type Mode = "redraw" | "newGrid" | "split" | "merge";

const HOLDS_GRIDS = new Set(["county", "township", "village", "grid"]);

/** The shape being drawn: clicks add vertices; three or more make a polygon. */
export function useDrawing() {
  const [points, setPoints] = useState<Point[]>([]);
  const [active, setActive] = useState(false);
  const add = useCallback((p: Point) => setPoints((current) => [...current, p]), []);
  const polygon = useMemo<PolygonalGeometry | undefined>(
    () => (points.length >= 3 ? { type: "Polygon", coordinates: [[...points, points[0] as Point]] } : undefined),
    [points],
  );
  const overlay = useMemo<FeatureCollection>(
    () => ({
      type: "FeatureCollection",
      features: [
        ...points.map((p) => ({
          type: "Feature" as const,
          properties: {},
          geometry: { type: "Point" as const, coordinates: p },
        })),
        ...(polygon
          ? [{ type: "Feature" as const, properties: {}, geometry: polygon }]
          : points.length === 2
            ? [
                {
                  type: "Feature" as const,
                  properties: {},
                  geometry: { type: "LineString" as const, coordinates: points },
                },
              ]
            : []),
      ],
    }),
    [points, polygon],
  );
  return {
    points,
    polygon,
    overlay,
    active,
    start: () => setActive(true),
    stop: () => {
      setActive(false);
      setPoints([]);
    },
    onPick: active ? add : undefined,
    undo: () => setPoints((current) => current.slice(0, -1)),
    clear: () => setPoints([]),
  };
}
export type Drawing = ReturnType<typeof useDrawing>;

function geometryOf(shapes: FeatureCollection | undefined, code: string): PolygonalGeometry | undefined {
  const f = shapes?.features.find((x) => (x.properties as { code?: string } | null)?.code === code);
  const g = f?.geometry;
  return g && (g.type === "Polygon" || g.type === "MultiPolygon") ? (g as PolygonalGeometry) : undefined;
}

export function GridEditor({
  area,
  shapes,
  drawing,
  onChanged,
}: {
  config: ClientConfig;
  area: AreaDetail;
  shapes: FeatureCollection | undefined;
  drawing: Drawing;
  /** After a change: the area to show now. */
  onChanged: (code: string) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const fail = useFormFail();
  const isGrid = area.level === "grid" || area.level === "microgrid";
  const modes: Mode[] = [
    "redraw",
    ...(HOLDS_GRIDS.has(area.level) ? (["newGrid"] as const) : []),
    ...(isGrid ? (["split"] as const) : []),
    ...(HOLDS_GRIDS.has(area.level) ? (["merge"] as const) : []),
  ];
  const [mode, setMode] = useState<Mode>("redraw");
  const [issues, setIssues] = useState<FieldIssue[]>([]);
  const [busy, setBusy] = useState(false);
  const [changeId, setChangeId] = useState(() => crypto.randomUUID());
  const [form] = Form.useForm();
  const childLevel = area.level === "grid" ? "microgrid" : "grid";

  const children = useMemo(
    () =>
      (shapes?.features ?? [])
        .map((f) => f.properties as { code: string; name: string; level: string })
        .filter((p) => p.level === childLevel && p.code !== area.code),
    [shapes, childLevel, area.code],
  );

  // A new area or mode starts a fresh change and a fresh drawing.
  const { stop } = drawing;
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the area or the mode changes
  useEffect(() => {
    stop();
    setIssues([]);
    setChangeId(crypto.randomUUID());
    form.resetFields();
  }, [area.code, mode]);

  const suggestedCode = useMemo(
    () => nextChildCodes(area.code, childLevel, new Set(children.map((c) => c.code)), 1)[0],
    [area.code, childLevel, children],
  );

  const run = async (work: () => Promise<string | undefined>) => {
    setBusy(true);
    setIssues([]);
    try {
      const next = await work();
      if (next) {
        drawing.stop();
        setChangeId(crypto.randomUUID());
        onChanged(next);
      }
    } catch (e) {
      // The reasons on the fields they name (the rest listed with the drawing); the form kept as typed.
      setIssues(fail(e, form).errors);
    } finally {
      setBusy(false);
    }
  };

  const submit = (values: {
    code?: string;
    name?: string;
    kind?: string;
    reason?: string;
    nameRest?: string;
    codes?: string[];
  }) =>
    run(async () => {
      const polygon = drawing.polygon;
      if (mode === "redraw") {
        if (!polygon) return undefined;
        const r = await setBoundary(area.code, polygon);
        message.success(t(`areas.editor.outcomes.${r.outcome}`));
        return area.code;
      }
      if (mode === "newGrid") {
        if (!polygon) return undefined;
        const code = values.code?.trim() || (suggestedCode as string);
        const report = await importGrids(
          {
            type: "FeatureCollection",
            features: [
              {
                type: "Feature",
                properties: { code, parent_code: area.code, name: values.name, kind: values.kind ?? null },
                geometry: polygon,
              },
            ],
          },
          true,
        );
        if (report.rejected > 0) {
          setIssues(report.features.flatMap((f) => f.errors ?? []));
          return undefined;
        }
        message.success(t("areas.editor.created", { code }));
        return code;
      }
      if (mode === "split") {
        const grid = geometryOf(shapes, area.code);
        if (!polygon || !grid) return undefined;
        const { inside, outside } = cutWith(grid, polygon);
        if (!inside || !outside) {
          setIssues([{ path: "drawing", message: t("areas.editor.cutMissesGrid") }]);
          return undefined;
        }
        const r = await splitGrid(changeId, area.code, values.reason ?? "", [
          { name: values.name ?? "", geometry: inside },
          { name: values.nameRest ?? "", geometry: outside },
        ]);
        message.success(t("areas.editor.split", { codes: r.to.map((p) => p.code).join("、") }));
        return r.to[0]?.code;
      }
      const r = await mergeGrids(changeId, values.codes ?? [], values.reason ?? "", { name: values.name ?? "" });
      message.success(t("areas.editor.merged", { code: r.to[0]?.code }));
      return r.to[0]?.code;
    });

  const needsDrawing = mode !== "merge";
  return (
    <Card title={t("areas.editor.title")} data-testid="grid-editor">
      <Space direction="vertical" style={{ width: "100%" }}>
        <Segmented
          value={mode}
          onChange={(v) => setMode(v as Mode)}
          options={modes.map((m) => ({ value: m, label: t(`areas.editor.modes.${m}`) }))}
        />
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {t(`areas.editor.hints.${mode}`)}
        </Typography.Paragraph>
        {needsDrawing && (
          <Space wrap>
            {drawing.active ? (
              <>
                <Typography.Text role="status">
                  {t("areas.editor.points", { n: drawing.points.length })}
                </Typography.Text>
                <Button onClick={drawing.undo} disabled={drawing.points.length === 0}>
                  {t("areas.editor.undo")}
                </Button>
                <Button onClick={drawing.clear} disabled={drawing.points.length === 0}>
                  {t("areas.editor.clear")}
                </Button>
                <Button onClick={drawing.stop}>{t("areas.editor.cancel")}</Button>
              </>
            ) : (
              <Button onClick={drawing.start}>{t("areas.editor.startDrawing")}</Button>
            )}
          </Space>
        )}
        <Form form={form} layout="vertical" onFinish={submit} requiredMark>
          {mode === "newGrid" && (
            <>
              <Form.Item
                name="code"
                label={t("areas.code")}
                extra={t("areas.editor.codeHint", { code: suggestedCode })}
              >
                <Input placeholder={suggestedCode} translate="no" />
              </Form.Item>
              <Form.Item name="kind" label={t("areas.kind")}>
                <Select allowClear options={GRID_KINDS.map((k) => ({ value: k, label: t(`areas.kinds.${k}`) }))} />
              </Form.Item>
            </>
          )}
          {mode === "merge" && (
            <Form.Item
              name="codes"
              label={t("areas.editor.mergeWhich")}
              rules={[{ required: true, type: "array", min: 2, message: t("areas.editor.pickTwo") }]}
            >
              <Checkbox.Group
                options={children.map((c) => ({
                  value: c.code,
                  label: <span translate="no">{`${c.name} ${c.code}`}</span>,
                }))}
              />
            </Form.Item>
          )}
          {mode !== "redraw" && (
            <Form.Item
              name="name"
              label={t(mode === "split" ? "areas.editor.nameInside" : "areas.editor.name")}
              rules={[{ required: true, whitespace: true, message: t("areas.editor.nameRequired") }]}
            >
              <Input />
            </Form.Item>
          )}
          {mode === "split" && (
            <Form.Item
              name="nameRest"
              label={t("areas.editor.nameRest")}
              rules={[{ required: true, whitespace: true, message: t("areas.editor.nameRequired") }]}
            >
              <Input />
            </Form.Item>
          )}
          {(mode === "split" || mode === "merge") && (
            <Form.Item
              name="reason"
              label={t("areas.editor.reason")}
              rules={[{ required: true, min: 2, whitespace: true, message: t("areas.editor.reasonRequired") }]}
            >
              <Input.TextArea rows={2} />
            </Form.Item>
          )}
          {issues.length > 0 && (
            <Alert
              type="error"
              showIcon
              style={{ marginBottom: 12 }}
              title={t("areas.editor.refused")}
              description={
                <ul style={{ margin: 0, paddingInlineStart: 18 }} translate="no">
                  {issues.map((i) => (
                    <li key={`${i.path}-${i.message}`}>{`${i.path}: ${i.message}`}</li>
                  ))}
                </ul>
              }
            />
          )}
          <Button type="primary" htmlType="submit" loading={busy} disabled={needsDrawing && !drawing.polygon}>
            {t(`areas.editor.submit.${mode}`)}
          </Button>
        </Form>
      </Space>
    </Card>
  );
}
