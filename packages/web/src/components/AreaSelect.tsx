import { Select, Typography } from "antd";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { apiFetch } from "../lib/api-client.ts";

/**
 * An area of the user's scope, picked by its name (or code) from a searchable list — the control of
 * every form field that takes an area, so nobody types a code. `levels` limits the choice (a person's
 * grid: grids and microgrids). The list is read once per page.
 */
interface AreaChoice {
  code: string;
  name: string;
  level: string;
  parentCode: string | null;
}

let areasOfScope: Promise<AreaChoice[]> | undefined;
function loadAreas(): Promise<AreaChoice[]> {
  areasOfScope ??= apiFetch<AreaChoice[]>("/api/v1/areas?limit=2000").catch((e: unknown) => {
    areasOfScope = undefined;
    throw e;
  });
  return areasOfScope;
}

export function AreaSelect({
  value,
  onChange,
  levels,
  label,
  placeholder,
  style,
}: {
  value?: string | undefined;
  onChange?: (code: string | undefined) => void;
  levels?: readonly string[];
  label: string;
  placeholder?: string;
  style?: React.CSSProperties;
}) {
  const { t } = useTranslation();
  const [areas, setAreas] = useState<AreaChoice[]>();
  useEffect(() => {
    loadAreas().then(setAreas, () => setAreas([]));
  }, []);
  const names = useMemo(() => new Map((areas ?? []).map((a) => [a.code, a.name])), [areas]);
  const options = useMemo(
    () =>
      (areas ?? [])
        .filter((a) => !levels || levels.includes(a.level))
        .map((a) => {
          // Where it lies (its parent's name) tells apart two grids of the same name.
          const parent = a.parentCode;
          return {
            value: a.code,
            search: `${a.name} ${a.code}`,
            label: (
              <span>
                <span translate="no">{a.name}</span>{" "}
                <Typography.Text type="secondary" translate="no">
                  {[parent ? names.get(parent) : undefined, t(`areas.levels.${a.level}`)].filter(Boolean).join(" · ")}
                </Typography.Text>
              </span>
            ),
          };
        }),
    [areas, levels, names, t],
  );
  return (
    <Select
      allowClear
      value={value}
      onChange={(code?: string) => onChange?.(code)}
      aria-label={label}
      placeholder={placeholder ?? t("common.pickArea")}
      loading={!areas}
      style={style}
      showSearch={{ optionFilterProp: "search" }}
      options={options}
    />
  );
}
