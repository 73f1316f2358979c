import type { LoadResult } from "./load-generator";

/** One line of the results table. */
export interface Row {
  id: string;
  what: string;
  value: string;
  floor: string;
  ratio: string;
  target: string;
  met: "yes" | "no" | "";
}

/** A number with a fixed count of decimals, or "n/a". */
export function fmt(value: number, decimals = 1): string {
  return Number.isFinite(value) ? value.toFixed(decimals) : "n/a";
}

/** Throughput and latency of a load run, in one cell. */
export function describe(r: LoadResult): string {
  const errors = r.errors ? `, ${r.errors} errors` : "";
  return `${fmt(r.rps, 0)} req/s, p50 ${fmt(r.p50)} ms, p95 ${fmt(r.p95)} ms${errors}`;
}

/** Whether a ratio meets a target, as the table shows it. */
export function verdict(ratio: number, target: { atLeast?: number; atMost?: number }): "yes" | "no" | "" {
  if (!Number.isFinite(ratio)) return "";
  if (target.atLeast !== undefined) return ratio >= target.atLeast ? "yes" : "no";
  if (target.atMost !== undefined) return ratio <= target.atMost ? "yes" : "no";
  return "";
}

/** The results as a Markdown table. */
export function markdownTable(rows: Row[]): string {
  const head = "| # | measure | Khidma | floor | ratio | target | met |\n|---|---|---|---|---|---|---|";
  const body = rows.map(
    (r) => `| ${r.id} | ${r.what} | ${r.value} | ${r.floor} | ${r.ratio} | ${r.target} | ${r.met} |`,
  );
  return [head, ...body].join("\n");
}

/** Prints a line as soon as a figure is known, so a long run shows progress. */
export function say(line: string): void {
  process.stdout.write(`${line}\n`);
}
