import { execSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { API_TOKEN_PREFIX } from "../apps/server/src/platform/auth";
import { openDatabase } from "../apps/server/src/platform/db";
import { hashToken, makeAccountToken } from "../apps/server/src/platform/tokens";
import { BENCH_DATABASE_URL } from "./bench-db";
import { type Child, freePort, rssMb, startChild, waitForHttp } from "./child-process";
import { loadSentences } from "./corpus";
import { requestJson } from "./load-generator";
import { fmt, markdownTable, type Row, say } from "./report";
import { type BenchContext, benchScale, benchSearch, benchThroughput } from "./scenarios";
import { BENCH_PASSWORD, benchSizes, seed } from "./seed";

/**
 * Runs every benchmark against PostgreSQL and prints one table: (a) create
 * and list throughput against a bare Fastify floor, (b) inbox latency at two
 * account sizes, (c) search latency, (d) idle memory. Figures only; nothing
 * here fails on timing. Settings: BENCH_DATABASE_URL, BENCH_SMALL,
 * BENCH_LARGE, BENCH_CONCURRENCY (16), BENCH_LATENCY_CONCURRENCY (4),
 * BENCH_SECONDS (15), BENCH_ROUNDS (5: (a) in that many rounds, the API and
 * its floor in turns), BENCH_LATENCY_SECONDS (8), BENCH_WARMUP_SECONDS (3), BENCH_IDLE_SECONDS (15),
 * BENCH_SKIP_BUILD=1, BENCH_ONLY (e.g. "b" or "a,c"; memory is always
 * measured), BENCH_OUT (a file for the Markdown table).
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");

const settings = {
  concurrency: Number(process.env.BENCH_CONCURRENCY ?? 16),
  latencyConcurrency: Number(process.env.BENCH_LATENCY_CONCURRENCY ?? 4),
  durationMs: Number(process.env.BENCH_SECONDS ?? 15) * 1000,
  rounds: Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5)),
  latencyDurationMs: Number(process.env.BENCH_LATENCY_SECONDS ?? 8) * 1000,
  warmupMs: Number(process.env.BENCH_WARMUP_SECONDS ?? 3) * 1000,
  idleMs: Number(process.env.BENCH_IDLE_SECONDS ?? 15) * 1000,
};

async function issueTokens(ownerOf: { accountId: number; ownerId: number }[]): Promise<string[]> {
  const handle = await openDatabase({ databaseUrl: BENCH_DATABASE_URL, dataDir: ":memory:", poolSize: 1 });
  try {
    const tokens: string[] = [];
    for (const { accountId, ownerId } of ownerOf) {
      const token = makeAccountToken(API_TOKEN_PREFIX, accountId);
      await handle.db
        .insertInto("api_tokens")
        .values({
          account_id: accountId,
          user_id: ownerId,
          name: "benchmark",
          token_hash: hashToken(token),
          prefix: token.slice(0, 12),
          last_used_at: null,
          revoked_at: null,
        })
        .execute();
      tokens.push(token);
    }
    return tokens;
  } finally {
    await handle.close();
  }
}

async function floorContact(accountId: number): Promise<number> {
  const handle = await openDatabase({ databaseUrl: BENCH_DATABASE_URL, dataDir: ":memory:", poolSize: 1 });
  try {
    const row = await handle.db
      .selectFrom("contacts")
      .select("id")
      .where("account_id", "=", accountId)
      .orderBy("id")
      .executeTakeFirstOrThrow();
    return row.id;
  } finally {
    await handle.close();
  }
}

/**
 * Bundles a bench entry the way apps/server/build.mjs bundles main.ts, so the
 * floor and any stand-in run on plain node like the real server (no loader).
 */
async function bundle(name: string): Promise<string> {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "apps/server/package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  const external = Object.keys(pkg.dependencies ?? {}).filter((name) => !name.startsWith("@khidma/"));
  const outfile = path.join(here, `dist/${name}.js`);
  await build({
    entryPoints: [path.join(here, `${name}.ts`)],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    outfile,
    external: [...external, ...external.map((name) => `${name}/*`)],
    logLevel: "warning",
  });
  return outfile;
}

/**
 * Starts the built server (apps/server/dist/main.js). Should it fail to start,
 * starts the same app through bench/server-entry.ts instead and says so.
 */
async function startKhidma(port: number): Promise<{ child: Child; note: string | null }> {
  const env = {
    DATABASE_URL: BENCH_DATABASE_URL,
    PORT: String(port),
    HOST: "127.0.0.1",
    KHIDMA_ADMIN_EMAIL: "owner.small@bench.khidma.test",
    KHIDMA_ADMIN_PASSWORD: BENCH_PASSWORD,
    KHIDMA_DEMO: "0",
    LOG_LEVEL: "warn",
  };
  const health = `http://127.0.0.1:${port}/api/health`;
  // BENCH_NODE_FLAGS (e.g. "--cpu-prof") go to the server's node, for profiling under load.
  const flags = (process.env.BENCH_NODE_FLAGS ?? "").split(" ").filter(Boolean);
  const real = startChild(
    process.execPath,
    [...flags, path.join(root, "apps/server/dist/main.js")],
    env,
    root,
  );
  try {
    // Generous: a new migration may build indexes over a million rows at start.
    await waitForHttp(real, health, 300_000);
    return { child: real, note: null };
  } catch (err) {
    await real.stop();
    const reason = (err instanceof Error ? err.message : String(err)).split("\n").slice(0, 2).join(" ");
    say(`the built server did not start (${reason}); using bench/server-entry.ts`);
    const standIn = startChild(
      process.execPath,
      [await bundle("server-entry")],
      { ...env, KHIDMA_ROLE: "web" },
      root,
    );
    await waitForHttp(standIn, health, 300_000);
    return {
      child: standIn,
      note: `apps/server/dist/main.js did not start (${reason}); measured bench/server-entry.ts, the same app built by buildApp`,
    };
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const started = performance.now();
  const sizes = benchSizes();
  const pgVersion = execSync(`psql --version`, { encoding: "utf8" }).trim();
  const commit = (() => {
    try {
      const head = execSync("git rev-parse --short HEAD", { cwd: root, encoding: "utf8" }).trim();
      const dirty = execSync("git status --porcelain -- apps packages", {
        cwd: root,
        encoding: "utf8",
      }).trim();
      return dirty ? `${head} with uncommitted changes under apps/ or packages/` : head;
    } catch {
      return "unknown";
    }
  })();
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${fmt(os.totalmem() / 2 ** 30, 0)} GB RAM, Node ${process.version}, ${pgVersion}`;
  say(`machine: ${machine}`);
  const loadBefore = os.loadavg()[0] ?? 0;

  const { accounts, seconds: seedSeconds } = await seed(sizes);
  if (process.env.BENCH_SKIP_BUILD !== "1") {
    say("building the server");
    execSync("npm run build -w apps/server", { cwd: root, stdio: "ignore" });
  }
  const [small, large, write] = await issueTokens([accounts.small, accounts.large, accounts.write]);
  const sentences = loadSentences().sentences;

  const children: Child[] = [];
  let serverNote: string | null = null;
  const rows: Row[] = [];
  try {
    const apiPort = await freePort(20_100);
    const started = await startKhidma(apiPort);
    const khidma = started.child;
    serverNote = started.note;
    children.push(khidma);
    const api = `http://127.0.0.1:${apiPort}`;

    const floorPort = await freePort(apiPort + 1);
    const floorServer = startChild(
      process.execPath,
      [await bundle("floor-server")],
      {
        DATABASE_URL: BENCH_DATABASE_URL,
        PORT: String(floorPort),
        FLOOR_ACCOUNT: String(accounts.floor.accountId),
        FLOOR_CONTACT: String(await floorContact(accounts.floor.accountId)),
      },
      root,
    );
    children.push(floorServer);
    const floor = `http://127.0.0.1:${floorPort}`;
    await waitForHttp(floorServer, `${floor}/health`);

    // (d) first, while the server has only served a handful of requests.
    const auth = { authorization: `Bearer ${small}` };
    const probe = {
      list: await requestJson(api, { method: "GET", path: "/api/v1/conversations?view=all", headers: auth }),
      search: await requestJson(api, { method: "GET", path: "/api/v1/search?q=card", headers: auth }),
    };
    for (let i = 0; i < 5; i++) {
      await requestJson(api, {
        method: "GET",
        path: "/api/v1/conversations?view=all&status=open",
        headers: auth,
      });
      await requestJson(floor, {
        method: "GET",
        path: `/floor/conversations?account=${accounts.small.accountId}`,
      });
      await requestJson(floor, {
        method: "GET",
        path: `/floor/search?account=${accounts.small.accountId}&q=card`,
      });
    }
    say(`(d) idle memory: waiting ${settings.idleMs / 1000} s after a few requests`);
    await sleep(settings.idleMs);
    const idle = rssMb(khidma.pid);
    const floorIdle = rssMb(floorServer.pid);
    say(`  Khidma ${fmt(idle)} MB, floor ${fmt(floorIdle)} MB`);

    const ctx: BenchContext = {
      api,
      floor,
      pids: { api: khidma.pid, floor: floorServer.pid },
      tokens: { small: small!, large: large!, write: write! },
      accounts: {
        small: accounts.small.accountId,
        large: accounts.large.accountId,
        floor: accounts.floor.accountId,
      },
      sizes,
      concurrency: settings.concurrency,
      latencyConcurrency: settings.latencyConcurrency,
      durationMs: settings.durationMs,
      latencyDurationMs: settings.latencyDurationMs,
      warmupMs: settings.warmupMs,
      rounds: settings.rounds,
      sentences,
    };
    const only = new Set((process.env.BENCH_ONLY ?? "a,b,c").split(",").map((x) => x.trim()));
    if (probe.list.status === 200) {
      if (only.has("a")) rows.push(...(await benchThroughput(ctx)));
      if (only.has("b")) rows.push(...(await benchScale(ctx)));
    } else {
      say(`GET /api/v1/conversations answered ${probe.list.status}: (a) and (b) skipped`);
    }
    if (probe.search.status === 200) {
      if (only.has("c")) rows.push(...(await benchSearch(ctx)));
    } else say(`GET /api/v1/search answered ${probe.search.status}: (c) skipped`);

    const afterLoad = rssMb(khidma.pid);
    rows.push({
      id: "d1",
      what: "idle server RSS on PostgreSQL (after a few requests)",
      value: `${fmt(idle)} MB`,
      floor: `${fmt(floorIdle)} MB`,
      ratio: `${fmt(idle / floorIdle, 2)}× floor`,
      target: "≤ 150 MB",
      met: idle <= 150 ? "yes" : "no",
    });
    rows.push({
      id: "d2",
      what: "server RSS right after the load runs",
      value: `${fmt(afterLoad)} MB`,
      floor: `${fmt(rssMb(floorServer.pid))} MB`,
      ratio: "",
      target: "",
      met: "",
    });
  } finally {
    for (const child of children.reverse()) await child.stop();
  }

  const table = markdownTable(rows);
  const minutes = (performance.now() - started) / 60_000;
  const footer = [
    `machine: ${machine}`,
    `code: ${commit}`,
    `database: PostgreSQL, ${sizes.small.toLocaleString("en")} and ${sizes.large.toLocaleString("en")} conversations` +
      (seedSeconds === null ? " (already seeded)" : `, seeded in ${fmt(seedSeconds, 0)} s`),
    `load: closed loop, ${settings.concurrency} workers for (a), ${settings.latencyConcurrency} for (b) and (c), ` +
      `${settings.durationMs / 1000} s (a, in ${settings.rounds} rounds taken in turns) or ` +
      `${settings.latencyDurationMs / 1000} s (b, c) measured after ${settings.warmupMs / 1000} s warm-up per run`,
    `total run time: ${fmt(minutes, 1)} min; load average ${fmt(loadBefore, 2)} before, ${fmt(os.loadavg()[0] ?? 0, 2)} after`,
    ...(serverNote ? [`note: ${serverNote}`] : []),
  ];
  say("");
  say(table);
  say("");
  for (const line of footer) say(line);
  if (process.env.BENCH_OUT) fs.writeFileSync(process.env.BENCH_OUT, `${table}\n\n${footer.join("\n")}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
