// npm run bench -- NAME [args]: runs bench/NAME.bench.ts. Every benchmark prints a readable table
// and, as its very last line, one JSON object of its figures with units in the keys.
import { readdirSync } from "node:fs";
import path from "node:path";

const name = process.argv[2];
const available = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith(".bench.ts"))
  .map((f) => f.replace(/\.bench\.ts$/, ""));
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- NAME   (NAME is one of: ${available.join(", ")})`);
  process.exit(2);
}
const mod = (await import(path.join(import.meta.dirname, `${name}.bench.ts`))) as {
  run: (args: string[]) => Promise<Record<string, number>>;
};
const figures = await mod.run(process.argv.slice(3));
console.log(JSON.stringify(figures));
process.exit(0);
