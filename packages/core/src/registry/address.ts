/**
 * The standard address text of a place (一标三实's 标准地址): road or hamlet, then number, building,
 * unit and room, each once with its unit word — 东风路12号3栋2单元401室 — whether or not the clerk typed it.
 */
export interface AddressParts {
  road?: string | null | undefined;
  houseNumber?: string | null | undefined;
  building?: string | null | undefined;
  unit?: string | null | undefined;
  room?: string | null | undefined;
}

export function composeAddress(p: AddressParts): string {
  const part = (value: string | null | undefined, suffix: string) => {
    const v = value?.trim();
    if (!v) return "";
    return v.endsWith(suffix) ? v : `${v}${suffix}`;
  };
  return [
    p.road?.trim() ?? "",
    part(p.houseNumber, "号"),
    part(p.building, "栋"),
    part(p.unit, "单元"),
    part(p.room, "室"),
  ].join("");
}
