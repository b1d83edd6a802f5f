import { CloseOutlined, UploadOutlined } from "@ant-design/icons";
import { type FeatureCollection, PolygonFeatureCollectionSchema } from "@wangge/core";
import { Alert, Button, Space, Tag, Upload } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";

/**
 * Shows a GeoJSON file of boundaries on the map before anyone imports it: read in the browser,
 * checked against the polygon schema, never sent to the server. Errors name the failing paths.
 */
export function BoundaryPreview({ onChange }: { onChange: (collection: FeatureCollection | undefined) => void }) {
  const { t } = useTranslation();
  const [loaded, setLoaded] = useState<{ name: string; count: number }>();
  const [problem, setProblem] = useState<string>();

  const read = async (file: File) => {
    setProblem(undefined);
    let json: unknown;
    try {
      json = JSON.parse(await file.text());
    } catch {
      setProblem(t("areas.previewNotJson"));
      return;
    }
    const parsed = PolygonFeatureCollectionSchema.safeParse(json);
    if (!parsed.success) {
      const detail = parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
        .join("; ");
      setProblem(t("areas.previewInvalid", { detail }));
      return;
    }
    const collection = parsed.data as FeatureCollection;
    setLoaded({ name: file.name, count: collection.features.length });
    onChange(collection);
  };

  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Space wrap>
        <Upload
          accept=".geojson,.json,application/geo+json,application/json"
          showUploadList={false}
          beforeUpload={(file) => {
            void read(file);
            return false;
          }}
        >
          <Button icon={<UploadOutlined />}>{t("areas.previewButton")}</Button>
        </Upload>
        {loaded && (
          <Tag
            closable
            closeIcon={<CloseOutlined aria-label={t("areas.previewClear")} />}
            onClose={() => {
              setLoaded(undefined);
              onChange(undefined);
            }}
          >
            {t("areas.previewLoaded", { name: loaded.name, n: loaded.count })}
          </Tag>
        )}
      </Space>
      {problem && <Alert type="error" showIcon role="alert" title={problem} />}
    </Space>
  );
}
