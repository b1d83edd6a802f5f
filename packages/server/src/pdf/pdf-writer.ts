import PDFDocument from "pdfkit";
import { fontData, fontRuns, type Weight } from "./chinese-font.ts";

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
   * A table: a bold header row, then rows; columns share the width by `weights`; a row that does not
   * fit starts a new page, which repeats the header.
   */
  table(headers: string[], rows: string[][], weights: number[] = headers.map(() => 1), size = 9): this {
    const total = weights.reduce((a, b) => a + b, 0);
    const widths = weights.map((w) => (w / total) * this.contentWidth);
    const rowHeight = size * 1.9;
    const drawRow = (cells: string[], header: boolean) => {
      const y = this.room(rowHeight);
      if (header) this.doc.rect(this.left, y, this.contentWidth, rowHeight).fill("#eef2f7");
      let x = this.left;
      cells.forEach((c, i) => {
        const w = widths[i] ?? 40;
        this.cell(c, x + 3, y + size * 0.45, w - 6, size, {
          weight: header ? 700 : 400,
          align: i > 0 && /^[-+\d.,%—]+$/.test(c) ? "right" : "left",
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
    };
    drawRow(headers, true);
    for (const r of rows) {
      if (this.doc.y + rowHeight > this.doc.page.height - this.doc.page.margins.bottom) {
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

  gap(lines = 0.6): this {
    this.doc.moveDown(lines);
    return this;
  }

  async finish(): Promise<Buffer> {
    this.doc.end();
    return this.done;
  }
}
