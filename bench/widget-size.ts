import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

/**
 * Benchmark (a) of the widget: builds apps/widget and prints the size of
 * widget.js raw and gzipped (level 9, as the server sends it), against the
 * 25 KB target. Run: npx tsx bench/widget-size.ts
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
execFileSync(process.execPath, [path.join(root, "apps/widget/build.mjs")], { stdio: "inherit" });
const body = fs.readFileSync(path.join(root, "apps/widget/dist/widget.js"));
const gz = gzipSync(body, { level: 9 }).length;
const kb = (n: number) => (n / 1024).toFixed(1);
process.stdout.write(
  `widget.js: ${kb(body.length)} KB raw, ${kb(gz)} KB gzipped; target <= 25 KB gzipped: ${gz <= 25 * 1024 ? "met" : "NOT met"}\n`,
);
