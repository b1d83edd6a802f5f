import { UploadOutlined } from "@ant-design/icons";
import type { ClientConfig, FeatureCollection } from "@wangge/core";
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Col,
  Descriptions,
  Empty,
  Input,
  Row,
  Space,
  Table,
  Tag,
  Tree,
  Typography,
  Upload,
} from "antd";
import type { DataNode } from "antd/es/tree";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useFormFail } from "../../../components/useFormFail.tsx";
import { useTimeFormat } from "../../../lib/format-time.ts";
import { useMyAreas } from "../../../lib/map/my-areas.ts";
import { WgMap } from "../../../lib/map/WgMap.tsx";
import {
  type AreaDetail,
  type AreaSummary,
  type Beat,
  type Coverage,
  exportSubtree,
  getArea,
  getBeats,
  getChildren,
  getCoverage,
  getLineage,
  getStaff,
  type ImportReport,
  importGrids,
  type LineageEntry,
  listAreas,
  type StaffMember,
} from "../api/areas.ts";
import { GridEditor, useDrawing } from "./GridEditor.tsx";

/**
 * The area tree beside the map: expand the hierarchy, search by name or code, see an area's details and
 * the boundaries under it; managers upload grid boundaries as GeoJSON and get a report per feature.
 */
const LEVEL_ORDER = ["province", "city", "county", "township", "village", "grid", "microgrid"];

function toNode(a: AreaSummary, t: (k: string) => string): DataNode {
  // A leaf (a grid without micro-grids, a village without grids) shows no expand arrow.
  const leaf = a.hasChildren === false || a.level === "microgrid";
  return {
    key: a.code,
    isLeaf: leaf,
    title: (
      <span>
        <span translate="no">{a.name}</span>{" "}
        <Typography.Text type="secondary">{t(`areas.levels.${a.level}`)}</Typography.Text>
      </span>
    ),
  };
}

function attach(nodes: DataNode[], key: string, children: DataNode[]): DataNode[] {
  return nodes.map((n) =>
    n.key === key ? { ...n, children } : n.children ? { ...n, children: attach(n.children, key, children) } : n,
  );
}

export function AreaExplorer({ config, canManage }: { config: ClientConfig; canManage: boolean }) {
  const time = useTimeFormat();
  const { t, i18n } = useTranslation();
  const lang = i18n.language === "en" ? "en" : "zh-CN";
  const [all, setAll] = useState<AreaSummary[]>([]);
  const [tree, setTree] = useState<DataNode[]>([]);
  const [selected, setSelected] = useState<AreaDetail>();
  const [shapes, setShapes] = useState<FeatureCollection>();
  const [query, setQuery] = useState("");
  const [report, setReport] = useState<ImportReport>();
  const [staff, setStaff] = useState<StaffMember[]>([]);
  const [beats, setBeats] = useState<Beat[]>([]);
  const [coverage, setCoverage] = useState<Coverage>();
  const [showCoverage, setShowCoverage] = useState(false);
  const [allOrNothing, setAllOrNothing] = useState(true);
  const [lineage, setLineage] = useState<LineageEntry[]>([]);
  const drawing = useDrawing();
  const mine = useMyAreas();
  const fail = useFormFail();

  useEffect(() => {
    listAreas().then((areas) => {
      setAll(areas);
      const codes = new Set(areas.map((a) => a.code));
      setTree(areas.filter((a) => !a.parentCode || !codes.has(a.parentCode)).map((a) => toNode(a, t)));
    }, fail);
  }, [fail, t]);

  /** Loads a tree node's children again (after a grid was drawn, split or merged under it). */
  const reloadChildren = useCallback(
    async (code: string | null) => {
      if (!code) return;
      const children = await getChildren(code).catch(() => undefined);
      if (children)
        setTree((current) =>
          attach(
            current,
            code,
            children.map((c) => toNode(c, t)),
          ),
        );
    },
    [t],
  );

  const select = useCallback(
    (code: string) => {
      getArea(code).then(setSelected, fail);
      exportSubtree(code).then(setShapes, fail);
      getStaff(code).then(setStaff, () => setStaff([]));
      getBeats(code).then(setBeats, () => setBeats([]));
      getCoverage(code).then(setCoverage, () => setCoverage(undefined));
      getLineage(code).then(setLineage, () => setLineage([]));
    },
    [fail],
  );

  // Overlaps and gaps drawn over the boundaries, in their own colours (level "overlap" / "gap").
  const mapFeatures = useMemo<FeatureCollection | undefined>(() => {
    // Before an area is picked: the user's own areas and their grids.
    if (!shapes) return mine?.features;
    if (!showCoverage || !coverage) return shapes;
    const mark = (fc: FeatureCollection, level: string) =>
      fc.features.map((f) => ({ ...f, properties: { ...f.properties, level } }));
    return {
      type: "FeatureCollection",
      features: [...shapes.features, ...mark(coverage.overlaps, "overlap"), ...mark(coverage.gaps, "gap")],
    };
  }, [shapes, showCoverage, coverage, mine]);

  const matches = useMemo(() => {
    const q = query.trim();
    if (!q) return [];
    return all.filter((a) => a.name.includes(q) || a.code.startsWith(q)).slice(0, 20);
  }, [all, query]);

  return (
    <Row gutter={16}>
      <Col xs={24} lg={8}>
        <Card title={t("areas.title")} styles={{ body: { maxHeight: "calc(100vh - 220px)", overflow: "auto" } }}>
          <Input.Search
            allowClear
            placeholder={t("areas.search")}
            aria-label={t("areas.search")}
            onChange={(e) => setQuery(e.target.value)}
            style={{ marginBottom: 12 }}
          />
          {query.trim() ? (
            matches.length ? (
              <Space direction="vertical" style={{ width: "100%" }}>
                {matches.map((a) => (
                  <Button key={a.code} type="text" block style={{ textAlign: "left" }} onClick={() => select(a.code)}>
                    <span translate="no">{a.name}</span> <Typography.Text type="secondary">{a.code}</Typography.Text>
                  </Button>
                ))}
              </Space>
            ) : (
              <Empty description={t("areas.noMatch")} />
            )
          ) : (
            <Tree
              treeData={tree}
              loadData={async (node) => {
                if (node.children) return;
                const children = await getChildren(String(node.key)).catch(() => []);
                setTree((current) =>
                  attach(
                    current,
                    String(node.key),
                    children.map((c) => toNode(c, t)),
                  ),
                );
              }}
              onSelect={(keys) => keys[0] && select(String(keys[0]))}
            />
          )}
        </Card>
      </Col>
      <Col xs={24} lg={16}>
        <Space direction="vertical" style={{ width: "100%" }} size="middle">
          {selected ? (
            <Card
              title={<span translate="no">{selected.name}</span>}
              extra={<Tag>{t(`areas.levels.${selected.level}`)}</Tag>}
            >
              <Descriptions size="small" column={2}>
                <Descriptions.Item label={t("areas.code")}>
                  <span translate="no">{selected.code}</span>
                </Descriptions.Item>
                <Descriptions.Item label={t("areas.kind")}>
                  {selected.kind ? t(`areas.kinds.${selected.kind}`) : "—"}
                </Descriptions.Item>
                <Descriptions.Item label={t("areas.path")} span={2}>
                  <span translate="no">{[...selected.ancestors.map((a) => a.name), selected.name].join(" / ")}</span>
                </Descriptions.Item>
                <Descriptions.Item label={t("areas.descendants")} span={2}>
                  <Space wrap>
                    {LEVEL_ORDER.filter((l) => selected.descendants[l]).map((l) => (
                      <Tag key={l}>{`${t(`areas.levels.${l}`)} ${selected.descendants[l]}`}</Tag>
                    ))}
                    {Object.keys(selected.descendants).length === 0 && "—"}
                  </Space>
                </Descriptions.Item>
                <Descriptions.Item label={t("areas.staff")} span={2}>
                  <Space wrap>
                    {staff.length === 0 && "—"}
                    {staff.map((m) => (
                      <Tag key={`${m.roleKey}-${m.displayName}`}>
                        {m.displayName.startsWith(m.roleName[lang]) ? null : (
                          <>
                            {m.roleName[lang]}
                            {m.employment ? `（${t(`areas.employment.${m.employment}`)}）` : ""} ·{" "}
                          </>
                        )}
                        <span translate="no">{m.displayName}</span>
                        {m.homeUnit ? <span translate="no">{`（${m.homeUnit}）`}</span> : null}
                      </Tag>
                    ))}
                  </Space>
                </Descriptions.Item>
                <Descriptions.Item label={t("areas.beats")} span={2}>
                  <Space wrap>
                    {beats.length === 0 && "—"}
                    {beats.map((b) => (
                      <Tag key={b.code}>
                        <span translate="no">{`${b.name} · ${b.station}${b.officer ? ` · ${b.officer}` : ""}`}</span>{" "}
                        {`${Math.round(b.share * 100)}%`}
                      </Tag>
                    ))}
                  </Space>
                </Descriptions.Item>
                {lineage.length > 0 && (
                  <Descriptions.Item label={t("areas.lineage")} span={2}>
                    <Space direction="vertical" size={0}>
                      {lineage.map((l) => (
                        <span key={`${l.direction}-${l.code}`}>
                          {t(`areas.lineageEntry.${l.change}.${l.direction}`, {
                            at: time.date(l.at),
                          })}{" "}
                          <Button type="link" size="small" onClick={() => select(l.code)} style={{ padding: 0 }}>
                            <span translate="no">{`${l.name} ${l.code}`}</span>
                          </Button>{" "}
                          <Typography.Text type="secondary" translate="no">
                            {l.reason}
                          </Typography.Text>
                        </span>
                      ))}
                    </Space>
                  </Descriptions.Item>
                )}
                {coverage && coverage.grids > 0 && (
                  <Descriptions.Item label={t("areas.coverage")} span={2}>
                    <Space wrap>
                      {coverage.posts.map((p) => (
                        <Tag key={p.roleKey} color={p.share === 1 ? "green" : "orange"}>
                          {`${t(`areas.posts.${p.roleKey}`)} ${p.filled}/${coverage.grids}`}
                        </Tag>
                      ))}
                      <Tag color={coverage.overlaps.features.length ? "red" : "green"}>
                        {t("areas.overlapCount", { n: coverage.overlaps.features.length })}
                      </Tag>
                      <Tag color={coverage.gaps.features.length ? "red" : "green"}>
                        {t("areas.gapCount", { n: coverage.gaps.features.length })}
                      </Tag>
                      <Checkbox checked={showCoverage} onChange={(e) => setShowCoverage(e.target.checked)}>
                        {t("areas.showCoverage")}
                      </Checkbox>
                    </Space>
                  </Descriptions.Item>
                )}
              </Descriptions>
            </Card>
          ) : (
            <Alert type="info" showIcon title={t("areas.pick")} />
          )}
          <WgMap
            config={config.map}
            features={mapFeatures}
            height={480}
            label={t("areas.map")}
            overlay={drawing.overlay}
            onPick={drawing.onPick}
          />
          {canManage && selected && (
            <GridEditor
              config={config}
              area={selected}
              shapes={shapes}
              drawing={drawing}
              onChanged={(code) => {
                void reloadChildren(selected.parentCode);
                void reloadChildren(selected.code);
                listAreas().then(setAll, () => undefined);
                select(code);
              }}
            />
          )}
          {canManage && (
            <Card title={t("areas.importTitle")}>
              <Space wrap>
                <Upload
                  accept=".geojson,.json,application/geo+json,application/json"
                  showUploadList={false}
                  beforeUpload={(file) => {
                    void file
                      .text()
                      .then((text) => importGrids(JSON.parse(text), allOrNothing))
                      .then((r) => {
                        setReport(r);
                        if (selected) select(selected.code);
                      }, fail);
                    return false;
                  }}
                >
                  <Button icon={<UploadOutlined />}>{t("areas.importButton")}</Button>
                </Upload>
                <Checkbox checked={allOrNothing} onChange={(e) => setAllOrNothing(e.target.checked)}>
                  {t("areas.allOrNothing")}
                </Checkbox>
              </Space>
              <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
                {t("areas.importHint")}
              </Typography.Paragraph>
              {report && (
                <>
                  <Alert
                    role="status"
                    type={report.rejected ? "warning" : "success"}
                    showIcon
                    title={t(report.applied ? "areas.reportApplied" : "areas.reportNotApplied", {
                      created: report.created,
                      updated: report.updated,
                      rejected: report.rejected,
                    })}
                  />
                  <Table
                    size="small"
                    rowKey="index"
                    pagination={false}
                    dataSource={report.features}
                    columns={[
                      { title: "#", dataIndex: "index", width: 60 },
                      {
                        title: t("areas.code"),
                        dataIndex: "code",
                        render: (v: string | null) => <span translate="no">{v ?? "—"}</span>,
                      },
                      {
                        title: t("areas.outcome"),
                        dataIndex: "outcome",
                        render: (v: string) => (
                          <Tag color={v === "rejected" ? "red" : "green"}>{t(`areas.outcomes.${v}`)}</Tag>
                        ),
                      },
                      {
                        title: t("areas.reasons"),
                        render: (_: unknown, f: ImportReport["features"][number]) => (
                          <span translate="no">{f.errors?.map((e) => `${e.path}: ${e.message}`).join("; ")}</span>
                        ),
                      },
                    ]}
                  />
                </>
              )}
            </Card>
          )}
        </Space>
      </Col>
    </Row>
  );
}
