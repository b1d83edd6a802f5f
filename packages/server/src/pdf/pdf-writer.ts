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
      if (!this.registered.has(run.file)) {
        this.doc.registerFont(run.file, fontData(run.file));
        this.registered.add(run.file);
      }
      this.doc.font(run.file).fontSize(size);
      this.doc.text(run.text, {
        continued: i < runs.length - 1,
        ...(i === 0 ? { align: options.align ?? "left", indent: options.indent ?? 0, lineGap: 4 } : {}),
      });
    });
    if (options.gapAfter) this.doc.moveDown(options.gapAfter);
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
