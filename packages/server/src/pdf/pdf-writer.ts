import { bboxOf, type PolygonalGeometry, polygonsOf } from "@wangge/core";
import PDFDocument from "pdfkit";
import { fontData, fontRuns, type Weight } from "./chinese-font.ts";
import { aroundCentre, besidePoint, placeLabels } from "./label-placement.ts";

/**
 * A small writer over pdfkit for official documents in Chinese: paragraphs in Noto Sans SC (each
 * run in the font file that has its characters), headings, signature lines; the result as bytes.
 */
export interface TextOptions {
  size?: number;
  weight?: Weight;
  align?: "left" | "center" | "right" | "justify";
  indent?: number;
  gapAfter?: number;
}

interface CellOptions {
  weight?: Weight;
  align?: "left" | "center" | "right";
  color?: string;
}

/** Text a table shows as a number (a count, a rate, a change, a rate with last period's in brackets, "—"). */
export const isNumberText = (text: string) => /^[-+\d.,%—（）()]+$/.test(text);

export class PdfWriter {
  private readonly doc: PDFKit.PDFDocument;
  private readonly chunks: Buffer[] = [];
  private readonly done: Promise<Buffer>;
  private readonly registered = new Set<string>();

  constructor(meta: { title: string; author: string; subject?: string }) {
    this.doc = new PDFDocument({
      size: "A4",
      margins: { top: 72, bottom: 72, left: 80, right: 80 },
      info: { Title: meta.title, Author: meta.author, Subject: meta.subject ?? meta.title, Creator: "Wangge 网格" },
      lang: "zh-CN",
      displayTitle: true,
    });
    this.doc.on("data", (c: Buffer) => this.chunks.push(c));
    this.done = new Promise((resolve, reject) => {
      this.doc.on("end", () => resolve(Buffer.concat(this.chunks)));
      this.doc.on("error", reject);
    });
  }

  text(text: string, options: TextOptions = {}): this {
    const runs = fontRuns(text, options.weight ?? 400);
    const size = options.size ?? 12;
    if (runs.length === 0) {
      this.doc.moveDown(0.5);
      return this;
    }
    runs.forEach((run, i) => {
      this.font(run.file);
      this.doc.fontSize(size);
      this.doc.text(run.text, {
        continued: i < runs.length - 1,
        ...(i === 0 ? { align: options.align ?? "left", indent: options.indent ?? 0, lineGap: 4 } : {}),
      });
    });
    if (options.gapAfter) this.doc.moveDown(options.gapAfter);
    return this;
  }

  private font(file: string) {
    if (!this.registered.has(file)) {
      this.doc.registerFont(file, fontData(file));
      this.registered.add(file);
    }
    this.doc.font(file);
  }

  /** Text in a box at a place (a table cell, a chart label), one line, cut to the box's width. */
  private cell(text: string, x: number, y: number, width: number, size: number, options: CellOptions = {}) {
    const runs = fontRuns(text, options.weight ?? 400);
    runs.forEach((run, i) => {
      this.font(run.file);
      this.doc.fontSize(size).fillColor(options.color ?? "#111111");
      const opts = { continued: i < runs.length - 1, width, height: size * 1.4, lineBreak: false, ellipsis: true };
      if (i === 0) this.doc.text(run.text, x, y, { ...opts, align: options.align ?? "left" });
      else this.doc.text(run.text, opts);
    });
    this.doc.fillColor("#111111");
  }

  /** The width of one line of text as cell() prints it (each run in its own font). */
  private textWidth(text: string, size: number, weight: Weight = 400): number {
    return fontRuns(text, weight).reduce((sum, run) => {
      this.font(run.file);
      return sum + this.doc.fontSize(size).widthOfString(run.text);
    }, 0);
  }

  private get left() {
    return this.doc.page.margins.left;
  }

  private get contentWidth() {
    return this.doc.page.width - this.doc.page.margins.left - this.doc.page.margins.right;
  }

  /** Starts a new page unless `height` points still fit on this one; answers the y to draw at. */
  private room(height: number): number {
    if (this.doc.y + height > this.doc.page.height - this.doc.page.margins.bottom) this.doc.addPage();
    return this.doc.y;
  }

  /**
   * Keeps what comes next together: a new page now unless `height` points still fit. A heading is
   * kept with the start of its content this way (its note, the first rows or the chart), so no
   * heading is left alone at the foot of a page.
   */
  keepTogether(height: number): this {
    this.room(height);
    return this;
  }

  /** The height a paragraph takes at the content width (as `text` writes it). */
  textHeight(text: string, options: Pick<TextOptions, "size" | "weight" | "gapAfter"> = {}): number {
    const size = options.size ?? 12;
    const run = fontRuns(text, options.weight ?? 400)[0];
    if (!run) return size;
    this.font(run.file);
    this.doc.fontSize(size);
    const height = this.doc.heightOfString(text, { width: this.contentWidth, lineGap: 4 });
    return height + (options.gapAfter ?? 0) * this.doc.currentLineHeight(true);
  }

  /** The height the start of a part takes: a chart whole, a table's header and first rows. */
  startHeight(
    part:
      | { kind: "bars" }
      | { kind: "lines"; height?: number }
      | { kind: "map"; legendItems: number; height?: number }
      | { kind: "table"; rows: number; size?: number },
  ): number {
    switch (part.kind) {
      case "bars":
        return 9 * 1.9 * 2;
      case "lines":
        return (part.height ?? 150) + 40;
      case "map":
        return (part.height ?? 300) + (part.legendItems > 0 ? 16 * Math.ceil(part.legendItems / 3) : 0) + 12;
      case "table":
        return (part.size ?? 9) * 1.9 * (1 + Math.min(Math.max(part.rows, 1), 3));
    }
  }

  /** A cell's text cut into lines that fit `width`, breaking after a separator (、，；space) where it can. */
  private wrapped(text: string, width: number, size: number): string[] {
    const tokens = text.match(/[^、，；\s]+[、，；\s]*|[、，；\s]+/g) ?? [text];
    const widthOf = (t: string) => {
      const run = fontRuns(t, 400)[0];
      if (run) this.font(run.file);
      return this.doc.fontSize(size).widthOfString(t);
    };
    const lines: string[] = [];
    let line = "";
    for (const token of tokens) {
      if (line !== "" && widthOf(line + token.trimEnd()) > width) {
        lines.push(line.trimEnd());
        line = "";
      }
      line += token;
    }
    if (line.trim() !== "") lines.push(line.trimEnd());
    return lines.length > 0 ? lines : [""];
  }

  /**
   * A table: a bold header row, then rows; columns share the width by `weights`; a row that does not
   * fit starts a new page, which repeats the header (and the header never stands alone at a page's
   * foot). A column whose cells are all numbers (counts, rates, changes, "—") is right-aligned, its
   * header too, so each header stands over its own numbers; the `wrap` column breaks its text into
   * lines (a list of names) instead of cutting it.
   */
  table(
    headers: string[],
    rows: string[][],
    weights: number[] = headers.map(() => 1),
    options: { size?: number; wrap?: number } = {},
  ): this {
    const size = options.size ?? 9;
    const total = weights.reduce((a, b) => a + b, 0);
    const widths = weights.map((w) => (w / total) * this.contentWidth);
    const lineHeight = size * 1.4;
    const padding = size * 0.5;
    const align = headers.map((_, i): "left" | "right" =>
      i > 0 &&
      rows.some((r) => (r[i] ?? "") !== "") &&
      rows.every((r) => (r[i] ?? "") === "" || isNumberText(r[i] ?? ""))
        ? "right"
        : "left",
    );
    const heightOf = (lines: number) => lines * lineHeight + padding;
    const drawRow = (cells: string[], header: boolean) => {
      const lines = cells.map((c, i) =>
        !header && i === options.wrap ? this.wrapped(c, (widths[i] ?? 40) - 6, size) : [c],
      );
      const rowHeight = heightOf(Math.max(...lines.map((l) => l.length)));
      const y = this.room(header ? rowHeight + heightOf(1) : rowHeight);
      if (header) this.doc.rect(this.left, y, this.contentWidth, rowHeight).fill("#eef2f7");
      let x = this.left;
      lines.forEach((cellLines, i) => {
        const w = widths[i] ?? 40;
        cellLines.forEach((line, k) => {
          this.cell(line, x + 3, y + padding * 0.9 + k * lineHeight, w - 6, size, {
            weight: header ? 700 : 400,
            align: align[i] ?? "left",
          });
        });
        x += w;
      });
      this.doc
        .moveTo(this.left, y + rowHeight)
        .lineTo(this.left + this.contentWidth, y + rowHeight)
        .lineWidth(0.4)
        .stroke("#c9d1dc");
      this.doc.x = this.left;
      this.doc.y = y + rowHeight;
      return rowHeight;
    };
    drawRow(headers, true);
    for (const r of rows) {
      const lines =
        options.wrap === undefined
          ? 1
          : this.wrapped(r[options.wrap] ?? "", (widths[options.wrap] ?? 40) - 6, size).length;
      if (this.doc.y + heightOf(lines) > this.doc.page.height - this.doc.page.margins.bottom) {
        this.doc.addPage();
        drawRow(headers, true);
      }
      drawRow(r, false);
    }
    this.doc.x = this.left;
    this.doc.moveDown(0.8);
    return this;
  }

  /** A horizontal bar chart drawn as vector paths (no images): one bar per item, its value at its end. */
  bars(items: { label: string; value: number }[], options: { size?: number; color?: string } = {}): this {
    const size = options.size ?? 9;
    const barHeight = size * 1.2;
    const gap = size * 0.7;
    const labelWidth = this.contentWidth * 0.3;
    const room = this.contentWidth - labelWidth - 40;
    const max = Math.max(1, ...items.map((i) => i.value));
    for (const item of items) {
      const y = this.room(barHeight + gap);
      this.cell(item.label, this.left, y + (barHeight - size) / 2, labelWidth - 6, size);
      const w = Math.max(item.value > 0 ? 1 : 0, (item.value / max) * room);
      this.doc.rect(this.left + labelWidth, y, w, barHeight).fill(options.color ?? "#3b6fb6");
      this.cell(String(item.value), this.left + labelWidth + w + 4, y + (barHeight - size) / 2, 36, size);
      this.doc.x = this.left;
      this.doc.y = y + barHeight + gap;
    }
    this.doc.moveDown(0.6);
    return this;
  }

  /**
   * A line chart of one or more series over the same labels, drawn as vector paths: axes, a line and
   * a dot per point, the labels under the axis and a legend.
   */
  lines(labels: string[], series: { name: string; values: number[]; color: string }[], height = 150): this {
    const size = 8;
    const y0 = this.room(height + 40);
    const plotLeft = this.left + 30;
    const plotWidth = this.contentWidth - 40;
    const max = Math.max(1, ...series.flatMap((s) => s.values));
    const xAt = (i: number) => plotLeft + (labels.length <= 1 ? 0 : (i / (labels.length - 1)) * plotWidth);
    const yAt = (v: number) => y0 + height - (v / max) * height;
    this.doc
      .lineWidth(0.6)
      .moveTo(plotLeft, y0)
      .lineTo(plotLeft, y0 + height)
      .lineTo(plotLeft + plotWidth, y0 + height)
      .stroke("#8894a6");
    this.cell(String(max), this.left, y0 - size / 2, 26, size, { align: "right" });
    this.cell("0", this.left, y0 + height - size / 2, 26, size, { align: "right" });
    for (const s of series) {
      s.values.forEach((v, i) => {
        if (i === 0) this.doc.moveTo(xAt(i), yAt(v));
        else this.doc.lineTo(xAt(i), yAt(v));
      });
      this.doc.lineWidth(1.4).stroke(s.color);
      s.values.forEach((v, i) => {
        this.doc.circle(xAt(i), yAt(v), 1.8).fill(s.color);
      });
    }
    labels.forEach((l, i) => {
      if (labels.length > 10 && i % 2 === 1) return;
      this.cell(l, xAt(i) - 22, y0 + height + 4, 44, size - 1, { align: "center" });
    });
    let x = plotLeft;
    for (const s of series) {
      this.doc.rect(x, y0 + height + 20, 10, 6).fill(s.color);
      this.cell(s.name, x + 14, y0 + height + 18, 120, size);
      x += 130;
    }
    this.doc.x = this.left;
    this.doc.y = y0 + height + 36;
    this.doc.moveDown(0.6);
    return this;
  }

  /**
   * A map drawn as vector paths (no images): outlines of divisions (upper levels stronger), some
   * shaded and labelled (name and count), points with labels, and a legend under it. Positions are
   * WGS-84, projected plate carrée with the longitude scaled by the cosine of the middle latitude, so
   * shapes keep their proportions at China's latitudes.
   */
  map(
    shapes: {
      geometry: PolygonalGeometry;
      strong?: boolean;
      fill?: string;
      label?: string;
      labelAt?: [number, number];
    }[],
    points: { lng: number; lat: number; label: string; color: string }[],
    legend: { color: string; label: string; point?: boolean }[],
    height = 300,
  ): this {
    if (shapes.length === 0 && points.length === 0) return this;
    const size = 7.5;
    const legendHeight = legend.length > 0 ? 16 * Math.ceil(legend.length / 3) : 0;
    const y0 = this.room(height + legendHeight + 12);
    let [west, south, east, north] = [Infinity, Infinity, -Infinity, -Infinity];
    const grow = (lng: number, lat: number) => {
      west = Math.min(west, lng);
      east = Math.max(east, lng);
      south = Math.min(south, lat);
      north = Math.max(north, lat);
    };
    for (const s of shapes) {
      const [w, so, e, n] = bboxOf(s.geometry);
      grow(w, so);
      grow(e, n);
    }
    for (const p of points) grow(p.lng, p.lat);
    const k = Math.cos((((south + north) / 2) * Math.PI) / 180);
    const spanX = Math.max((east - west) * k, 1e-6);
    const spanY = Math.max(north - south, 1e-6);
    const scale = Math.min(this.contentWidth / spanX, height / spanY);
    const left = this.left + (this.contentWidth - spanX * scale) / 2;
    const top = y0 + (height - spanY * scale) / 2;
    const at = (lng: number, lat: number): [number, number] => [
      left + (lng - west) * k * scale,
      top + (north - lat) * scale,
    ];
    this.doc.rect(this.left, y0, this.contentWidth, height).lineWidth(0.4).stroke("#c9d1dc");
    const trace = (geometry: PolygonalGeometry) => {
      for (const polygon of polygonsOf(geometry))
        for (const ring of polygon) {
          ring.forEach(([lng, lat], i) => {
            const [x, y] = at(lng, lat);
            if (i === 0) this.doc.moveTo(x, y);
            else this.doc.lineTo(x, y);
          });
          this.doc.closePath();
        }
    };
    // Plain outlines first, then the shaded ones over them, then the stronger upper levels on top.
    const order = [...shapes].sort((a, b) => Number(Boolean(a.fill)) - Number(Boolean(b.fill)));
    for (const s of order) {
      trace(s.geometry);
      if (s.fill) this.doc.fillOpacity(0.85).lineWidth(0.6).fillAndStroke(s.fill, "#7f0000", "even-odd");
      else this.doc.lineWidth(0.35).stroke("#9aa5b1");
      this.doc.fillOpacity(1);
    }
    for (const s of shapes.filter((x) => x.strong)) {
      trace(s.geometry);
      this.doc.lineWidth(1).dash(3, { space: 1.5 }).stroke("#4a5561").undash();
    }
    for (const p of points) {
      const [x, y] = at(p.lng, p.lat);
      this.doc.circle(x, y, 3).lineWidth(0.8).fillAndStroke(p.color, "#ffffff");
    }
    // Labels never over each other: the addresses' first (each belongs by its dot), then the areas',
    // each moved above or below its point if need be, else left out (the table under the map has it).
    const dot = 3;
    const lineHeight = size * 1.4;
    const pointLabels = points.map((p) => {
      const [x, y] = at(p.lng, p.lat);
      const width = Math.min(110, this.textWidth(p.label, size) + 2);
      return {
        text: p.label,
        weight: 400 as const,
        request: { width, height: lineHeight, candidates: besidePoint(x, y, dot, width, lineHeight) },
      };
    });
    const areaLabels = shapes.flatMap((s) => {
      if (!s.label || !s.labelAt) return [];
      const [x, y] = at(s.labelAt[0], s.labelAt[1]);
      const width = Math.min(140, this.textWidth(s.label, size, 700) + 2);
      return [
        {
          text: s.label,
          weight: 700 as const,
          request: { width, height: lineHeight, candidates: aroundCentre(x, y, width, lineHeight) },
        },
      ];
    });
    const labels = [...pointLabels, ...areaLabels];
    const dots = points.map((p) => {
      const [x, y] = at(p.lng, p.lat);
      return { x: x - dot, y: y - dot, width: dot * 2, height: dot * 2 };
    });
    placeLabels(
      labels.map((l) => l.request),
      dots,
    ).forEach((box, i) => {
      const label = labels[i];
      if (!box || !label) return;
      this.cell(label.text, box.x, box.y, box.width, size, {
        align: label.weight === 700 ? "center" : "left",
        weight: label.weight,
      });
    });
    let lx = this.left;
    let ly = y0 + height + 8;
    legend.forEach((item, i) => {
      if (i > 0 && i % 3 === 0) {
        lx = this.left;
        ly += 16;
      }
      if (item.point) this.doc.circle(lx + 5, ly + 4, 3).fill(item.color);
      else this.doc.rect(lx, ly, 10, 8).fill(item.color);
      this.cell(item.label, lx + 14, ly, this.contentWidth / 3 - 18, size);
      lx += this.contentWidth / 3;
    });
    this.doc.x = this.left;
    this.doc.y = y0 + height + legendHeight + 12;
    this.doc.moveDown(0.4);
    return this;
  }

  gap(lines = 0.6): this {
    this.doc.moveDown(lines);
    return this;
  }

  async finish(): Promise<Buffer> {
    this.doc.end();
    return this.done;
  }
}
