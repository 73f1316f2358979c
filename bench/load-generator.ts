import http from "node:http";

/** One request the load generator sends. */
export interface BenchRequest {
  method: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
}

/** How to load a server: N workers, each sending its next request as soon as the last one answered. */
export interface LoadOptions {
  baseUrl: string;
  concurrency: number;
  durationMs: number;
  warmupMs?: number;
  /** Builds the n-th request (n counts across all workers). */
  next: (n: number) => BenchRequest;
  /** Statuses that count as success; others are errors. */
  okStatus?: number[];
}

/** What a load run measured; latencies in milliseconds. */
export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  firstError: string | null;
  /** Every recorded latency, sorted, for merging runs. */
  samples: number[];
  /** Requests sent, warm-up included. */
  sent: number;
}

/** Requests slower than this are abandoned and counted as errors. */
const REQUEST_TIMEOUT_MS = 60_000;

/** The p-th percentile (0..100) of sorted values, nearest-rank. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

/** Sends one request over `agent` and reads the whole answer. */
export function send(
  agent: http.Agent,
  base: URL,
  req: BenchRequest,
): Promise<{ status: number; body: string }> {
  const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
  return new Promise((resolve, reject) => {
    const r = http.request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: req.method,
        path: req.path,
        headers: {
          accept: "application/json",
          ...(payload ? { "content-type": "application/json", "content-length": payload.length } : {}),
          ...req.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on("error", reject);
      },
    );
    r.on("error", reject);
    r.setTimeout(REQUEST_TIMEOUT_MS, () => r.destroy(new Error("timed out")));
    if (payload) r.write(payload);
    r.end();
  });
}

/** Sends one request and parses its JSON answer; for setup steps, not for measuring. */
export async function requestJson<T = unknown>(
  baseUrl: string,
  req: BenchRequest,
): Promise<{ status: number; body: T }> {
  const agent = new http.Agent({ keepAlive: false });
  const res = await send(agent, new URL(baseUrl), req);
  let body: unknown = res.body;
  try {
    body = res.body ? JSON.parse(res.body) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: body as T };
}

/** Figures of a set of recorded latencies over a measured time. */
export function summarize(
  samples: number[],
  errors: number,
  seconds: number,
  firstError: string | null,
  sent = samples.length + errors,
): LoadResult {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    requests: sorted.length,
    errors,
    seconds,
    rps: sorted.length / seconds,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
    firstError,
    samples: sorted,
    sent,
  };
}

/** Several runs of the same measurement as one: latencies pooled, time added. */
export function merge(runs: LoadResult[]): LoadResult {
  return summarize(
    runs.flatMap((r) => r.samples),
    runs.reduce((n, r) => n + r.errors, 0),
    runs.reduce((n, r) => n + r.seconds, 0),
    runs.find((r) => r.firstError)?.firstError ?? null,
    runs.reduce((n, r) => n + r.sent, 0),
  );
}

/**
 * A closed-loop load run: `concurrency` workers over keep-alive connections,
 * for warmupMs (not recorded) and then durationMs (recorded). Closed loop
 * means the offered load adapts to the server, so req/s is its throughput at
 * that concurrency and the latencies are what each caller saw. Every request
 * started inside the window is recorded, however long it takes; the window
 * stretches until the last of them has answered.
 */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const base = new URL(opts.baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const ok = new Set(opts.okStatus ?? [200, 201]);
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  let n = 0;
  const start = performance.now();
  const recordFrom = start + (opts.warmupMs ?? 0);
  const end = recordFrom + opts.durationMs;
  let lastAnswer = end;

  const worker = async () => {
    for (;;) {
      const t0 = performance.now();
      if (t0 >= end) return;
      const req = opts.next(n++);
      let good = false;
      try {
        const res = await send(agent, base, req);
        good = ok.has(res.status);
        if (!good && firstError === null) firstError = `${res.status} ${res.body.slice(0, 300)}`;
      } catch (err) {
        if (firstError === null) firstError = err instanceof Error ? err.message : String(err);
      }
      const t1 = performance.now();
      if (t0 >= recordFrom) {
        lastAnswer = Math.max(lastAnswer, t1);
        if (good) latencies.push(t1 - t0);
        else errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  agent.destroy();
  return summarize(latencies, errors, (lastAnswer - recordFrom) / 1000, firstError, n);
}
