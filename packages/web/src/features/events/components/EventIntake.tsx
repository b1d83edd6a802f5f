import type { ClientConfig, FeatureCollection } from "@wangge/core";
import { Alert, Button, Checkbox, Form, Input, InputNumber, List, Select, Space, Typography } from "antd";
import { useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useMyAreas } from "../../../lib/map/my-areas.ts";
import { WgMap } from "../../../lib/map/WgMap.tsx";
import {
  type AreaOption,
  areaOptions,
  type CategoryAttribute,
  type Duplicate,
  findDuplicates,
  reportEvent,
} from "../api/events.ts";
import { useCategories, useFail, useLang } from "./shared.tsx";

interface IntakeValues {
  categoryKey?: string;
  /** Where it happened: a point picked on the map or typed (WGS-84 longitude, latitude). */
  location?: [number, number];
  description?: string;
  areaCode?: string;
  address?: string;
  attributes?: Record<string, unknown>;
  onBehalf?: boolean;
  contact?: { name?: string; phone?: string };
  consentNote?: string;
}

/**
 * Reporting an event from the console: the category (its extra fields follow), what happened, where
 * (a point picked on the map, routed to its grid, or an area), and — when staff report for a resident
 * — the resident's name, phone and how they consented. Likely duplicates are shown while typing.
 * The event's id is made once per form, so pressing "report" again after a network error reports once.
 */
export function EventIntake({
  config,
  onReported,
  onOpen,
}: {
  config: ClientConfig;
  onReported: (id: string) => void;
  onOpen: (id: string) => void;
}) {
  const { t } = useTranslation();
  const lang = useLang();
  const fail = useFail();
  const [form] = Form.useForm<IntakeValues>();
  const { categories } = useCategories();
  const [areas, setAreas] = useState<AreaOption[]>([]);
  const [duplicates, setDuplicates] = useState<Duplicate[]>([]);
  const [busy, setBusy] = useState(false);
  const id = useRef(crypto.randomUUID());
  const categoryKey = Form.useWatch("categoryKey", form);
  const description = Form.useWatch("description", form);
  const areaCode = Form.useWatch("areaCode", form);
  const point = Form.useWatch("location", form);
  const onBehalf = Form.useWatch("onBehalf", form);

  useEffect(() => {
    areaOptions().then(setAreas, () => setAreas([]));
  }, []);

  const category = categories.find((c) => c.key === categoryKey);
  const options = useMemo(
    () =>
      categories
        .filter((c) => !c.parentKey)
        .map((g) => ({
          label: g.name[lang],
          options: categories
            .filter((c) => c.parentKey === g.key && c.active)
            .map((c) => ({ value: c.key, label: c.name[lang] })),
        })),
    [categories, lang],
  );

  // Likely duplicates, asked for half a second after the user stops typing.
  useEffect(() => {
    if (!categoryKey || !description || description.trim().length < 4 || (!point && !areaCode)) {
      setDuplicates([]);
      return;
    }
    const timer = setTimeout(() => {
      findDuplicates({ categoryKey, description, lng: point?.[0], lat: point?.[1], areaCode }).then(setDuplicates, () =>
        setDuplicates([]),
      );
    }, 500);
    return () => clearTimeout(timer);
  }, [categoryKey, description, point, areaCode]);

  const submit = async (values: IntakeValues) => {
    setBusy(true);
    try {
      const event = await reportEvent({
        id: id.current,
        categoryKey: values.categoryKey,
        description: values.description,
        ...(values.location ? { lng: values.location[0], lat: values.location[1] } : {}),
        ...(values.areaCode ? { areaCode: values.areaCode } : {}),
        ...(values.address ? { address: values.address } : {}),
        ...(values.attributes ? { attributes: cleanAttributes(values.attributes) } : {}),
        ...(values.onBehalf
          ? {
              contact: { name: values.contact?.name, phone: values.contact?.phone || undefined },
              consentNote: values.consentNote,
            }
          : {}),
        source: "console",
      });
      onReported(event.id);
    } catch (e) {
      // The form keeps everything typed; the server's reasons go on the fields they concern.
      fail(e, form, INTAKE_FIELDS);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form form={form} layout="vertical" onFinish={submit} aria-label={t("events.report")}>
      <Form.Item
        name="categoryKey"
        label={t("events.category")}
        rules={[{ required: true, message: t("events.required") }]}
      >
        <Select showSearch optionFilterProp="label" options={options} aria-label={t("events.category")} />
      </Form.Item>
      <Form.Item
        name="description"
        label={t("events.description")}
        rules={[{ required: true, min: 2, message: t("events.required") }]}
      >
        <Input.TextArea rows={3} maxLength={5000} showCount />
      </Form.Item>
      {duplicates.length > 0 && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={t("events.duplicatesFound", { n: duplicates.length })}
          description={
            <List
              size="small"
              dataSource={duplicates}
              renderItem={(d) => (
                <List.Item
                  actions={[
                    <Button key="open" size="small" onClick={() => onOpen(d.id)}>
                      {t("events.open")}
                    </Button>,
                  ]}
                >
                  <Space direction="vertical" size={0}>
                    <span translate="no">
                      {d.number} · {d.title}
                    </span>
                    <Typography.Text type="secondary">
                      {d.distanceM !== null ? t("events.metresAway", { n: d.distanceM }) : ""}{" "}
                      {t("events.similarity", { n: Math.round(d.similarity * 100) })}
                    </Typography.Text>
                  </Space>
                </List.Item>
              )}
            />
          }
        />
      )}
      <Form.Item name="location" label={t("events.where")}>
        <LocationField config={config} />
      </Form.Item>
      <Form.Item name="areaCode" label={t("events.orArea")}>
        <Select
          allowClear
          showSearch
          optionFilterProp="label"
          aria-label={t("events.orArea")}
          options={areas.map((a) => ({ value: a.code, label: `${a.name} (${a.code})` }))}
        />
      </Form.Item>
      <Form.Item name="address" label={t("events.address")}>
        <Input maxLength={200} />
      </Form.Item>
      {category?.attributes.map((a) => (
        <AttributeField key={a.code} attribute={a} />
      ))}
      <Form.Item name="onBehalf" valuePropName="checked">
        <Checkbox>{t("events.onBehalf")}</Checkbox>
      </Form.Item>
      {onBehalf && (
        <>
          <Form.Item
            name={["contact", "name"]}
            label={t("events.residentName")}
            rules={[{ required: true, message: t("events.required") }]}
          >
            <Input maxLength={50} />
          </Form.Item>
          <Form.Item name={["contact", "phone"]} label={t("events.residentPhone")}>
            <Input maxLength={20} />
          </Form.Item>
          <Form.Item
            name="consentNote"
            label={t("events.consent")}
            extra={t("events.consentHint")}
            rules={[{ required: true, message: t("events.required") }]}
          >
            <Input maxLength={500} />
          </Form.Item>
        </>
      )}
      <Button type="primary" htmlType="submit" loading={busy}>
        {t("events.submit")}
      </Button>
    </Form>
  );
}

/** Where the server's field errors of a report go in this form (the map holds both coordinates). */
const INTAKE_FIELDS = { "body.lng": "location", "body.lat": "location" };

/**
 * Where it happened, as a form control: a point clicked on the map or typed as longitude and latitude
 * (a reading from a GPS), shown on the map; cleared to report by area instead.
 */
function LocationField({
  config,
  value,
  onChange,
}: {
  config: ClientConfig;
  value?: [number, number] | undefined;
  onChange?: (value: [number, number] | undefined) => void;
}) {
  const { t } = useTranslation();
  // The map opens on the reporter's own areas, their grids drawn and named.
  const mine = useMyAreas();
  const [typed, setTyped] = useState<{ lng?: number | null; lat?: number | null }>({});
  const lng = value?.[0] ?? typed.lng ?? null;
  const lat = value?.[1] ?? typed.lat ?? null;
  const type = (next: { lng?: number | null; lat?: number | null }) => {
    const both = { lng, lat, ...next };
    setTyped(both);
    onChange?.(both.lng != null && both.lat != null ? [both.lng, both.lat] : undefined);
  };
  const pointFeature: FeatureCollection | undefined = value
    ? {
        type: "FeatureCollection",
        features: [{ type: "Feature", properties: {}, geometry: { type: "Point", coordinates: value } }],
      }
    : undefined;
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Typography.Text type="secondary">
        {value
          ? t("events.pointPicked", { longitude: value[0].toFixed(5), latitude: value[1].toFixed(5) })
          : t("events.pickHint")}
      </Typography.Text>
      <WgMap
        config={config.map}
        height={260}
        label={t("events.where")}
        features={mine?.features}
        overlay={pointFeature}
        onPick={(p) => {
          setTyped({ lng: p[0], lat: p[1] });
          onChange?.(p);
        }}
      />
      <Space wrap>
        <InputNumber
          aria-label={t("events.longitude")}
          placeholder={t("events.longitude")}
          style={{ width: 160 }}
          min={73}
          max={136}
          step={0.0001}
          value={lng}
          onChange={(v) => type({ lng: v })}
        />
        <InputNumber
          aria-label={t("events.latitude")}
          placeholder={t("events.latitude")}
          style={{ width: 160 }}
          min={3}
          max={54}
          step={0.0001}
          value={lat}
          onChange={(v) => type({ lat: v })}
        />
        {value && (
          <Button
            onClick={() => {
              setTyped({});
              onChange?.(undefined);
            }}
          >
            {t("events.clearPoint")}
          </Button>
        )}
      </Space>
    </Space>
  );
}

function cleanAttributes(values: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== null && v !== ""));
}

function AttributeField({ attribute: a }: { attribute: CategoryAttribute }) {
  const { t } = useTranslation();
  const lang = useLang();
  const rules = a.required ? [{ required: true, message: t("events.required") }] : [];
  const name = ["attributes", a.code];
  const label = a.description[lang];
  if (a.datatype === "number")
    return (
      <Form.Item name={name} label={label} rules={rules}>
        <InputNumber style={{ width: 200 }} />
      </Form.Item>
    );
  if (a.datatype === "singlevaluelist" || a.datatype === "multivaluelist")
    return (
      <Form.Item name={name} label={label} rules={rules}>
        <Select
          mode={a.datatype === "multivaluelist" ? "multiple" : undefined}
          aria-label={label}
          options={a.values?.map((v) => ({ value: v.key, label: v.name[lang] }))}
        />
      </Form.Item>
    );
  return (
    <Form.Item name={name} label={label} rules={rules}>
      {a.datatype === "text" ? <Input.TextArea rows={2} /> : <Input />}
    </Form.Item>
  );
}
