import { cpuMs, databaseCpuMs } from "./child-process";
import type { Sentence } from "./corpus";
import { type BenchRequest, type LoadResult, merge, requestJson, runLoad } from "./load-generator";
import { describe, fmt, type Row, say, verdict } from "./report";

/** Everything a scenario needs: where the servers are, who to be, how hard to push. */
export interface BenchContext {
  api: string;
  floor: string;
  /** Process ids of the two servers, to read the CPU time each request costs. */
  pids: { api: number; floor: number };
  tokens: { small: string; large: string; write: string };
  accounts: { small: number; large: number; floor: number };
  sizes: { small: number; large: number };
  concurrency: number;
  latencyConcurrency: number;
  durationMs: number;
  /** Shorter runs for the many latency measurements of (b) and (c). */
  latencyDurationMs: number;
  warmupMs: number;
  /** (a) measures in this many rounds, the API and its floor in turns. */
  rounds: number;
  sentences: Sentence[];
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function load(
  ctx: BenchContext,
  base: string,
  next: (n: number) => BenchRequest,
  concurrency?: number,
  window?: { durationMs: number; warmupMs: number },
) {
  return runLoad({
    baseUrl: base,
    concurrency: concurrency ?? ctx.concurrency,
    durationMs: window?.durationMs ?? (concurrency === undefined ? ctx.durationMs : ctx.latencyDurationMs),
    warmupMs: window?.warmupMs ?? ctx.warmupMs,
    next,
  });
}

/** A load run with the CPU time the server process and PostgreSQL spent on it. */
type Measured = LoadResult & {
  cpu: number;
  dbCpu: number;
  /** The same per request sent (warm-up included: it cost CPU too), in ms. */
  cpuPerRequest: number;
  dbCpuPerRequest: number;
};

function withCpu(r: LoadResult, cpu: number, dbCpu: number): Measured {
  const sent = Math.max(1, r.sent);
  return { ...r, cpu, dbCpu, cpuPerRequest: cpu / sent, dbCpuPerRequest: dbCpu / sent };
}

async function measured(pid: number, run: () => Promise<LoadResult>): Promise<Measured> {
  const before = cpuMs(pid);
  const dbBefore = databaseCpuMs();
  const r = await run();
  return withCpu(r, cpuMs(pid) - before, databaseCpuMs() - dbBefore);
}

/** One load of a measurement taken in turns: which server, and the n-th request to send it. */
interface Turn {
  pid: number;
  base: string;
  next: (n: number) => BenchRequest;
}

/**
 * Measures several loads in turns, ctx.rounds times, each round taking its
 * share of the measured time (the first one after the warm-up), and pools
 * each load's rounds. The shared machine's speed drifts over minutes; taken
 * in turns, the API and its floor meet the same spells. `next` counts on
 * across rounds.
 */
async function inTurns(ctx: BenchContext, turns: Turn[]): Promise<Measured[]> {
  const done: Measured[][] = turns.map(() => []);
  const sent = turns.map(() => 0);
  for (let round = 0; round < ctx.rounds; round++) {
    const window = { durationMs: ctx.durationMs / ctx.rounds, warmupMs: round === 0 ? ctx.warmupMs : 0 };
    for (const [i, turn] of turns.entries()) {
      const next = () => {
        const n = sent[i] ?? 0;
        sent[i] = n + 1;
        return turn.next(n);
      };
      done[i]?.push(await measured(turn.pid, () => load(ctx, turn.base, next, undefined, window)));
    }
  }
  return done.map((parts) =>
    withCpu(
      merge(parts),
      parts.reduce((n, p) => n + p.cpu, 0),
      parts.reduce((n, p) => n + p.dbCpu, 0),
    ),
  );
}

function reportRun(label: string, r: LoadResult): void {
  say(`  ${label}: ${describe(r)}${r.firstError ? ` — first error: ${r.firstError}` : ""}`);
}

/** (a) Creating a conversation and reading an inbox page, against the floor, at fixed concurrency. */
export async function benchThroughput(ctx: BenchContext): Promise<Row[]> {
  say(
    `(a) throughput at concurrency ${ctx.concurrency}, ${ctx.durationMs / 1000} s each, in ${ctx.rounds} rounds taken in turns`,
  );
  const pick = (n: number) => ctx.sentences[(n * 7919) % ctx.sentences.length]!;
  // First every request comes from a new customer (a contact is created with
  // each conversation); then the same customers write again, as most real
  // traffic does: the contact is found, not created.
  const run = Date.now().toString(36);
  const post = (who: number, n: number): BenchRequest => {
    const s = pick(n);
    return {
      method: "POST",
      path: "/api/v1/conversations",
      headers: bearer(ctx.tokens.write),
      body: {
        subject: s.subject,
        contact: { name: `Customer ${who}`, email: `customer-${run}-${who}@example.org` },
        body: s.body,
        language: s.lang,
        channel: "api",
      },
    };
  };
  // New customers stay new across rounds; returning ones are among those already made.
  let newCustomers = 0;
  const [floorPost, apiPostNew, apiPost] = await inTurns(ctx, [
    {
      pid: ctx.pids.floor,
      base: ctx.floor,
      next: (n) => {
        const s = pick(n);
        return { method: "POST", path: "/floor/conversations", body: { subject: s.subject, body: s.body } };
      },
    },
    {
      pid: ctx.pids.api,
      base: ctx.api,
      next: (n) => {
        newCustomers = n + 1;
        return post(n, n);
      },
    },
    { pid: ctx.pids.api, base: ctx.api, next: (n) => post(n % Math.max(1, Math.min(5000, newCustomers)), n) },
  ]);
  if (!floorPost || !apiPostNew || !apiPost) throw new Error("a measurement is missing");
  reportRun("floor POST", floorPost);
  reportRun("Khidma POST /api/v1/conversations, new customers", apiPostNew);
  reportRun("Khidma POST /api/v1/conversations, returning customers", apiPost);

  const [floorGet, apiGet] = await inTurns(ctx, [
    {
      pid: ctx.pids.floor,
      base: ctx.floor,
      next: () => ({ method: "GET", path: `/floor/conversations?account=${ctx.accounts.small}` }),
    },
    {
      pid: ctx.pids.api,
      base: ctx.api,
      next: () => ({
        method: "GET",
        path: "/api/v1/conversations?view=all&limit=25",
        headers: bearer(ctx.tokens.small),
      }),
    },
  ]);
  if (!floorGet || !apiGet) throw new Error("a measurement is missing");
  reportRun("floor GET page", floorGet);
  reportRun("Khidma GET /api/v1/conversations", apiGet);

  const rows: Row[] = [];
  for (const [id, what, api, floor] of [
    ["a1", "create a conversation (POST), returning customer", apiPost, floorPost],
    ["a1b", "create a conversation (POST), new customer", apiPostNew, floorPost],
    ["a2", `inbox page (GET, ${ctx.sizes.small.toLocaleString("en")} conversations)`, apiGet, floorGet],
  ] as const) {
    const ratio = api.rps / floor.rps;
    rows.push({
      id,
      what,
      value: describe(api),
      floor: describe(floor),
      ratio:
        `${fmt(ratio, 2)} (req/s); p95 ${fmt(api.p95 / floor.p95, 2)}× floor; ` +
        `server CPU ${fmt(api.cpuPerRequest, 2)} vs ${fmt(floor.cpuPerRequest, 2)} ms/request; ` +
        `PostgreSQL CPU ${fmt(api.dbCpuPerRequest, 2)} vs ${fmt(floor.dbCpuPerRequest, 2)} ms/request`,
      target: "req/s ≥ 0.5× floor",
      met: api.errors ? "no" : verdict(ratio, { atLeast: 0.5 }),
    });
  }
  return rows;
}

/** Walks an inbox through its cursors to `depth` rows and returns the cursor found there. */
async function cursorAt(
  base: string,
  pathOf: (cursor: string | null) => string,
  headers: Record<string, string>,
  depth: number,
) {
  let cursor: string | null = null;
  for (let seen = 0; seen < depth; seen += 100) {
    const res: { status: number; body: { nextCursor?: string | null } } = await requestJson(base, {
      method: "GET",
      path: pathOf(cursor),
      headers,
    });
    if (res.status !== 200 || !res.body.nextCursor) throw new Error(`paging failed: ${res.status}`);
    cursor = res.body.nextCursor;
  }
  return cursor ?? "";
}

/** (b) Inbox page latency with the small and the large account: first page, a deep page, a status filter. */
export async function benchScale(ctx: BenchContext): Promise<Row[]> {
  const c = ctx.latencyConcurrency;
  say(`(b) inbox pages at ${ctx.sizes.small} and ${ctx.sizes.large} conversations, concurrency ${c}`);
  const depth = Math.min(5000, ctx.sizes.small - 100);
  const kinds = [
    { key: "first", label: "first page", api: "", floor: "" },
    { key: "deep", label: `page after ${depth.toLocaleString("en")} rows (cursor)`, api: "", floor: "" },
    { key: "status", label: "status=open filter", api: "&status=open", floor: "&status=open" },
  ];
  const cursors: Record<string, { api: string; floor: string }> = {};
  for (const size of ["small", "large"] as const) {
    cursors[size] = {
      api: await cursorAt(
        ctx.api,
        (cur) => `/api/v1/conversations?view=all&limit=100${cur ? `&cursor=${cur}` : ""}`,
        bearer(ctx.tokens[size]),
        depth,
      ),
      floor: await cursorAt(
        ctx.floor,
        (cur) => `/floor/conversations?account=${ctx.accounts[size]}&limit=100${cur ? `&cursor=${cur}` : ""}`,
        {},
        depth,
      ),
    };
  }
  // Two rounds, sizes alternating, pooled: drift on a shared machine then
  // weighs on both sizes alike instead of on whichever ran second.
  const runs: Record<string, { api: LoadResult[]; floor: LoadResult[] }> = {};
  const half = { ...ctx, latencyDurationMs: ctx.latencyDurationMs / 2 };
  for (let round = 0; round < 2; round++) {
    for (const kind of kinds) {
      for (const size of ["small", "large"] as const) {
        const token = ctx.tokens[size];
        const account = ctx.accounts[size];
        const apiQuery = kind.key === "deep" ? `&cursor=${cursors[size]!.api}` : kind.api;
        const floorQuery = kind.key === "deep" ? `&cursor=${cursors[size]!.floor}` : kind.floor;
        const floor = await load(
          half,
          ctx.floor,
          () => ({ method: "GET", path: `/floor/conversations?account=${account}${floorQuery}` }),
          c,
        );
        const api = await load(
          half,
          ctx.api,
          () => ({
            method: "GET",
            path: `/api/v1/conversations?view=all&limit=25${apiQuery}`,
            headers: bearer(token),
          }),
          c,
        );
        const key = `${size}:${kind.key}`;
        runs[key] ??= { api: [], floor: [] };
        runs[key].api.push(api);
        runs[key].floor.push(floor);
      }
    }
  }
  const results: Record<string, { api: LoadResult; floor: LoadResult }> = {};
  for (const [key, r] of Object.entries(runs)) {
    results[key] = { api: merge(r.api), floor: merge(r.floor) };
    reportRun(`${key}: Khidma`, results[key].api);
    reportRun(`${key}: floor`, results[key].floor);
  }

  const rows: Row[] = [];
  let i = 1;
  for (const kind of kinds) {
    const small = results[`small:${kind.key}`]!;
    const large = results[`large:${kind.key}`]!;
    for (const [size, r] of [
      [ctx.sizes.small, small],
      [ctx.sizes.large, large],
    ] as const) {
      rows.push({
        id: `b${i++}`,
        what: `${kind.label}, ${size.toLocaleString("en")} conversations`,
        value: `p95 ${fmt(r.api.p95)} ms (p50 ${fmt(r.api.p50)})`,
        floor: `p95 ${fmt(r.floor.p95)} ms`,
        ratio: `${fmt(r.api.p95 / r.floor.p95, 2)}× floor`,
        target: "",
        met: r.api.errors ? "no" : "",
      });
    }
    const growth = large.api.p95 / small.api.p95;
    rows.push({
      id: `b${i++}`,
      what: `${kind.label}: p95 at ${ctx.sizes.large.toLocaleString("en")} ÷ at ${ctx.sizes.small.toLocaleString("en")}`,
      value: fmt(growth, 2),
      floor: fmt(large.floor.p95 / small.floor.p95, 2),
      ratio: "",
      target: "≤ 1.5",
      met: verdict(growth, { atMost: 1.5 }),
    });
  }
  return rows;
}

/** Search queries: Arabic and English, whole words, a folded variant and partial words. */
export const SEARCH_QUERIES: { q: string; note: string }[] = [
  { q: "بطاقتي", note: "Arabic word (my card)" },
  { q: "التحويل", note: "Arabic word (the transfer)" },
  { q: "استرداد المبلغ", note: "Arabic two words (refund the amount)" },
  { q: "البطاقة", note: "Arabic, taa marbuta folded" },
  { q: "تحوي", note: "Arabic partial word" },
  { q: "card", note: "English word" },
  { q: "exchange rate", note: "English two words" },
  { q: "verif", note: "English partial word" },
  { q: "محمد", note: "contact name" },
];

/** (c) Search latency over the large account, one load run per query. */
export async function benchSearch(ctx: BenchContext): Promise<Row[]> {
  const c = ctx.latencyConcurrency;
  say(`(c) search over ${ctx.sizes.large} conversations and messages, concurrency ${c}`);
  const rows: Row[] = [];
  const all: number[] = [];
  let i = 1;
  for (const { q, note } of SEARCH_QUERIES) {
    const query = encodeURIComponent(q);
    const floor = await load(
      ctx,
      ctx.floor,
      () => ({ method: "GET", path: `/floor/search?account=${ctx.accounts.large}&q=${query}` }),
      c,
    );
    const api = await load(
      ctx,
      ctx.api,
      () => ({
        method: "GET",
        path: `/api/v1/search?q=${query}&type=all`,
        headers: bearer(ctx.tokens.large),
      }),
      c,
    );
    reportRun(`search "${q}": Khidma`, api);
    reportRun(`search "${q}": floor`, floor);
    all.push(api.p95);
    rows.push({
      id: `c${i++}`,
      what: `search "${q}" — ${note}`,
      value: `p95 ${fmt(api.p95)} ms (p50 ${fmt(api.p50)})`,
      floor: `p95 ${fmt(floor.p95)} ms`,
      ratio: `${fmt(api.p95 / floor.p95, 2)}× floor`,
      target: "",
      met: api.errors ? "no" : "",
    });
  }
  rows.push({
    id: `c${i}`,
    what: "search: worst p95 of the queries",
    value: `${fmt(Math.max(...all.filter(Number.isFinite)))} ms`,
    floor: "",
    ratio: "",
    target: "",
    met: "",
  });
  return rows;
}
