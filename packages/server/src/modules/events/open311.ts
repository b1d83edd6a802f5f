import type { CategoryDefinition } from "@wangge/core";

/**
 * Open311 GeoReport v2 documents built from the event categories, and their two forms: JSON, and
 * XML with the element names the specification gives (the form real clients such as FixMyStreet use).
 */
export type Open311Format = "json" | "xml";

export interface Open311Error {
  code: number;
  description: string;
}

const xmlText = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");

/** A value as XML: objects become elements, arrays repeat the element named by `item`. */
function xmlOf(name: string, value: unknown, items: Record<string, string>): string {
  if (value === null || value === undefined) return `<${name}></${name}>`;
  if (Array.isArray(value)) {
    const item = items[name] ?? "item";
    return `<${name}>${value.map((v) => xmlOf(item, v, items)).join("")}</${name}>`;
  }
  if (typeof value === "object")
    return `<${name}>${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => xmlOf(k, v, items))
      .join("")}</${name}>`;
  return `<${name}>${xmlText(String(value))}</${name}>`;
}

/** The XML of a document whose root element is `root` (a list repeats `item`). */
export function toXml(root: string, value: unknown, items: Record<string, string> = {}): string {
  return `<?xml version="1.0" encoding="utf-8"?>${xmlOf(root, value, items)}`;
}

export const XML_ITEMS = {
  services: "service",
  attributes: "attribute",
  values: "value",
  errors: "error",
  endpoints: "endpoint",
  formats: "format",
  service_requests: "request",
};

export function serviceList(categories: CategoryDefinition[], locale: "zh-CN" | "en") {
  const groups = new Map(categories.filter((c) => !c.parentKey).map((c) => [c.key, c]));
  return categories
    .filter((c) => c.parentKey && c.active)
    .map((c) => ({
      service_code: c.key,
      service_name: c.name[locale],
      description: c.name[locale === "zh-CN" ? "en" : "zh-CN"],
      metadata: c.attributes.length > 0,
      type: "realtime" as const,
      keywords: [c.key.split(".")[0], groups.get(c.parentKey as string)?.name[locale]].filter(Boolean).join(","),
      group: groups.get(c.parentKey as string)?.name[locale] ?? null,
    }));
}

export function serviceDefinition(category: CategoryDefinition, locale: "zh-CN" | "en") {
  return {
    service_code: category.key,
    attributes: category.attributes.map((a, i) => ({
      variable: true,
      code: a.code,
      datatype: a.datatype,
      required: a.required,
      datatype_description: null,
      order: i + 1,
      description: a.description[locale],
      ...(a.values ? { values: a.values.map((v) => ({ key: v.key, name: v.name[locale] })) } : {}),
    })),
  };
}

export function discovery(baseUrl: string, changeset: string) {
  return {
    changeset,
    contact: "请通过所在社区或街道联系 / contact your community or township office",
    key_service: "API keys are issued by the deployment's administrators",
    endpoints: [
      {
        specification: "http://wiki.open311.org/GeoReport_v2",
        url: `${baseUrl}/open311/v2`,
        changeset,
        type: "production",
        formats: ["text/xml", "application/json"],
      },
    ],
  };
}
