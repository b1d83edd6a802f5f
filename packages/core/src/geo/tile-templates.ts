/**
 * Raster tile templates as a deployment writes them in WANGGE_TILE_URL: one or more URL templates
 * separated by whitespace, drawn bottom to top — Tianditu serves its streets (vec_w) and their names
 * (cva_w) as two layers. Each has {z}, {x} and {y}. docs/maps.md has examples.
 */
export const MAX_TILE_TEMPLATES = 4;

export function tileTemplates(tileUrl: string | null | undefined): string[] {
  return (tileUrl ?? "").split(/\s+/).filter(Boolean);
}

/** What is wrong with a WANGGE_TILE_URL value, one sentence per problem; empty when it is usable. */
export function tileTemplateProblems(tileUrl: string): string[] {
  const templates = tileTemplates(tileUrl);
  const problems: string[] = [];
  if (templates.length > MAX_TILE_TEMPLATES) {
    problems.push(`holds ${templates.length} templates; at most ${MAX_TILE_TEMPLATES} layers are drawn`);
  }
  for (const [i, template] of templates.entries()) {
    const which = templates.length > 1 ? `template ${i + 1} ` : "";
    const missing = ["{z}", "{x}", "{y}"].filter((p) => !template.includes(p));
    // Parsed by hand: core is typed without the DOM's or Node's libraries (no URL class).
    const url = /^https?:\/\/([^/?#:@\s]+)(?::\d{1,5})?(?:[/?#]|$)/i.exec(template);
    if (!url) {
      problems.push(`${which}must be an http(s) URL template such as https://tiles.example.gov.cn/{z}/{x}/{y}.png`);
      continue;
    }
    if (missing.length > 0) problems.push(`${which}lacks ${missing.join(", ")} (the tile's zoom, column and row)`);
    const host = (url[1] ?? "").toLowerCase();
    const query = template.split("?")[1] ?? "";
    if (/(^|\.)tianditu\.gov\.cn$/.test(host) && !/(^|&)tk=[^&]+/i.test(query)) {
      problems.push(`${which}is a Tianditu URL without its key: add &tk=<your key> (console.tianditu.gov.cn)`);
    }
  }
  return problems;
}
