import { Form, Selector } from "antd-mobile";
import { useTranslation } from "react-i18next";
import type { EventCategory } from "../api/events.ts";
import { useLang } from "../use-lang.ts";

/** The kind of matter (a top-level category) as a phone report picks it: two columns of choices. */
export function CategoryGroupField({
  categories,
  value,
  onChange,
}: {
  categories: EventCategory[];
  value: string | undefined;
  onChange: (group: string | undefined) => void;
}) {
  const { t } = useTranslation();
  const lang = useLang();
  return (
    <Form.Item label={t("residentEvents.kind")}>
      <Selector
        columns={2}
        options={categories.filter((c) => !c.parentKey && c.active).map((g) => ({ label: g.name[lang], value: g.key }))}
        value={value ? [value] : []}
        onChange={(v) => onChange(v[0])}
      />
    </Form.Item>
  );
}
