import { type ChildProcess, execSync, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { freePort } from "../e2e/support/server";
import { cpuMs, rssMb } from "./child-process";
import { send } from "./load-generator";

/**
 * Benchmark (b) of the widget: SOCKETS visitor sockets (5,000 by default) on
 * one Khidma node (the build, apps/server/dist/main.js). Prints the server's
 * memory per idle socket (RSS growth over the idle sockets) and the
 * agent-to-visitor delivery p99 (from the agent's POST to the frame arriving
 * at the visitor's socket) while they are connected, beside a bare `ws` echo
 * server's p99 at the same number of sockets, measured in the same run.
 *
 * Deliveries run twice: at RATE a second on a fixed schedule (open loop; by
 * default each of the 5,000 chats answered about every 25 seconds, 200
 * replies a second), which is the target's figure, and then CONCURRENCY at a
 * time back to back (closed loop), which saturates the two cores and so
 * measures how much work a delivery is rather than how long it waits. Every
 * server keeps its sockets open throughout, and each loop is taken in ROUNDS
 * rounds (5 by default), the servers in turns, so a slow spell of the shared
 * machine falls on all of them; each server's rounds are pooled.
 *
 * On PostgreSQL a third server runs too: the echo that stores each frame (one
 * INSERT, committed) before echoing it. A reply must be committed before it
 * is pushed, so this is the floor of any delivery that keeps the message; its
 * p99 beside the bare echo's shows how much of the ratio the disk's commit
 * takes before any of Khidma's own work.
 *
 * Run: npx tsx bench/widget-sockets.ts. Environment: SOCKETS, PROBES
 * (visitors with a conversation), DELIVERIES (per loop), RATE, CONCURRENCY, ROUNDS,
 * WIDGET_BENCH_DATABASE_URL (an empty PostgreSQL database; PGlite in a
 * temporary directory by default), BENCH_SKIP_BUILD=1 (use the build as it
 * is), BENCH_NODE_FLAGS (extra node flags for the servers, e.g. "--cpu-prof"),
 * BENCH_SERVER_LOG (a file for the servers' output).
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SOCKETS = Number(process.env.SOCKETS ?? 5000);
const PROBES = Number(process.env.PROBES ?? 500);
const DELIVERIES = Number(process.env.DELIVERIES ?? 2000);
const RATE = Number(process.env.RATE ?? Math.round(SOCKETS / 25));
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 4);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const ADMIN = { email: "bench@khidma.test", password: "bench-owner-password" };

const say = (line: string) => process.stdout.write(`${line}\n`);
const rssKb = (pid: number) => rssMb(pid) * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function p(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

async function waitFor(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`child exited:\n${output()}`);
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`no answer from ${url}:\n${output()}`);
    await sleep(250);
  }
}

function start(args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const prof = (process.env.BENCH_NODE_FLAGS ?? "").split(" ").filter(Boolean);
  const loader = args[0]?.endsWith(".ts") ? ["--import", "tsx"] : [];
  const child = spawn(process.execPath, [...prof, ...loader, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  // BENCH_SERVER_LOG names a file that receives the servers' output (with --trace-gc, say).
  const log = process.env.BENCH_SERVER_LOG;
  const keep = (d: Buffer) => {
    out += d;
    if (log) fs.appendFileSync(log, d);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return { child, output: () => out };
}

/** Opens `n` sockets, a few hundred at a time; resolves when every one is open (and said hello, if asked). */
async function openSockets(urls: (i: number) => string, n: number, hello: boolean): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  for (let i = 0; i < n; i += 200) {
    const batch = Array.from({ length: Math.min(200, n - i) }, (_, j) => {
      const socket = new WebSocket(urls(i + j));
      sockets.push(socket);
      return new Promise<void>((resolve, reject) => {
        socket.once("error", reject);
        socket.once("open", () => {
          if (!hello) return resolve();
          socket.send(JSON.stringify({ type: "hello", lastSeq: 1_000_000 }));
          socket.once("message", () => resolve());
        });
      });
    });
    await Promise.all(batch);
  }
  return sockets;
}

async function runPool(
  count: number,
  concurrency: number,
  work: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

/**
 * One delivery: sends body `body` (the i-th) and resolves with the time it
 * arrived at the receiving socket.
 */
type RoundTrip = (i: number, body: string) => Promise<number>;

/**
 * Listens on the probes' sockets; the function it returns gives, for a body,
 * the time the frame carrying it (as `bodyOf` reads a frame) arrives.
 */
function arrivals(
  sockets: WebSocket[],
  bodyOf: (raw: WebSocket.RawData) => string | undefined,
): (body: string) => Promise<number> {
  const waiting = new Map<string, (at: number) => void>();
  for (const socket of sockets.slice(0, PROBES)) {
    socket.on("message", (raw) => {
      const at = performance.now();
      const body = bodyOf(raw);
      if (body === undefined) return;
      waiting.get(body)?.(at);
      waiting.delete(body);
    });
  }
  return (body) => new Promise<number>((resolve) => waiting.set(body, resolve));
}

/** Delivery latencies (ms) and the server's CPU time (user and system) over them. */
interface Deliveries {
  latencies: number[];
  cpuMs: number;
}

/** A server under test, its sockets open. */
interface Target {
  pid: number;
  perSocketKb: number;
  send: RoundTrip;
  /** Deliveries sent so far, so each one's body (and probe) differs across rounds. */
  sent: number;
  close(): Promise<void>;
}

/**
 * Open loop: `count` deliveries, the i-th starting at `i / rate` seconds,
 * whatever the earlier ones are doing (a slow answer never holds the next
 * delivery back); its latency counts from the moment it is sent: the
 * client's own timer lateness is not the server's.
 */
async function openLoop(target: Target, tag: string, rate: number, count: number): Promise<Deliveries> {
  const interval = 1000 / rate;
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const cpu0 = cpuMs(target.pid);
  const start = performance.now() + 5;
  let i = 0;
  while (i < count) {
    const now = performance.now();
    for (; i < count && start + i * interval <= now; i++) {
      const t0 = performance.now();
      const n = target.sent++;
      pending.push(target.send(n, `${tag}-${n}`).then((seen) => void latencies.push(seen - t0)));
    }
    if (i < count) await sleep(Math.max(0, start + i * interval - performance.now()));
  }
  await Promise.all(pending);
  return { latencies, cpuMs: cpuMs(target.pid) - cpu0 };
}

/** Closed loop: CONCURRENCY deliveries in flight, each starting when one ends; the machine's saturation point. */
async function closedLoop(target: Target, tag: string, count: number): Promise<Deliveries> {
  const latencies: number[] = [];
  const cpu0 = cpuMs(target.pid);
  await runPool(count, CONCURRENCY, async () => {
    const n = target.sent++;
    const t0 = performance.now();
    latencies.push((await target.send(n, `${tag}-${n}`)) - t0);
  });
  return { latencies, cpuMs: cpuMs(target.pid) - cpu0 };
}

/** A loop's figures, its rounds pooled. */
interface Figures {
  p50: number;
  p99: number;
  /** The server's CPU per delivery, ms. */
  cpuMs: number;
}

function pooled(parts: Deliveries[]): Figures {
  const latencies = parts.flatMap((d) => d.latencies);
  const cpu = parts.reduce((sum, d) => sum + d.cpuMs, 0);
  return { p50: p(latencies, 0.5), p99: p(latencies, 0.99), cpuMs: cpu / latencies.length };
}

/**
 * Runs `loop` over the targets in ROUNDS rounds, taking them in turns, so a
 * slow spell of the shared machine falls on all of them; pools each one's rounds.
 */
async function inTurns(
  targets: Target[],
  loop: (target: Target, count: number) => Promise<Deliveries>,
): Promise<Figures[]> {
  const parts: Deliveries[][] = targets.map(() => []);
  const count = Math.ceil(DELIVERIES / ROUNDS);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, target] of targets.entries()) parts[i]?.push(await loop(target, count));
  }
  return parts.map(pooled);
}

/** Khidma with SOCKETS visitor sockets open, PROBES of them in a conversation the agent answers. */
async function khidma(): Promise<Target> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "khidma-widget-bench-"));
  const server = start(["apps/server/dist/main.js"], {
    PORT: String(port),
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    DATABASE_URL: process.env.WIDGET_BENCH_DATABASE_URL ?? "",
    KHIDMA_ADMIN_EMAIL: ADMIN.email,
    KHIDMA_ADMIN_PASSWORD: ADMIN.password,
    KHIDMA_DEMO: "0",
    KHIDMA_CHAT_LIMIT_SCALE: "100000",
    LOG_LEVEL: "warn",
  });
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    server.child.kill("SIGTERM");
    await sleep(500);
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitFor(`${base}/api/health`, server.child, server.output);
    // Signing in shows that the server bootstrapped the first account from the environment.
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(ADMIN),
    });
    if (login.status !== 200)
      throw new Error(`sign-in failed (${login.status}); the first account was not bootstrapped`);
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const session = { cookie, "x-csrf-token": csrfToken, "content-type": "application/json" };
    const tokenRes = await fetch(`${base}/api/v1/api-tokens`, {
      method: "POST",
      headers: session,
      body: JSON.stringify({ name: "bench" }),
    });
    const bearer = {
      authorization: `Bearer ${((await tokenRes.json()) as { token: string }).token}`,
      "content-type": "application/json",
    };
    const widget = (await (
      await fetch(`${base}/api/v1/widgets`, {
        method: "POST",
        headers: bearer,
        body: JSON.stringify({ name: "Bench" }),
      })
    ).json()) as { key: string };

    say(`khidma: starting ${SOCKETS} visitor sessions…`);
    const tokens: string[] = [];
    await runPool(SOCKETS, 16, async () => {
      const res = await fetch(`${base}/api/v1/widget/session`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ key: widget.key }),
      });
      tokens.push(((await res.json()) as { token: string }).token);
    });
    // The probes have a conversation for the agent to answer.
    const conversations: number[] = [];
    for (let i = 0; i < PROBES; i++) {
      const sent = await fetch(`${base}/api/v1/widget/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          key: widget.key,
          token: tokens[i],
          clientId: `bench-probe-${i}`,
          body: `probe ${i}`,
        }),
      });
      if (sent.status !== 200) throw new Error(`probe message failed: ${await sent.text()}`);
      const s = (await (
        await fetch(`${base}/api/v1/widget/session`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ key: widget.key, token: tokens[i] }),
        })
      ).json()) as { conversationId: number };
      conversations.push(s.conversationId);
    }
    await sleep(3000);
    const before = rssKb(server.child.pid as number);
    const url = (i: number) => `ws://127.0.0.1:${port}/api/v1/widget/ws?key=${widget.key}&token=${tokens[i]}`;
    const sockets = await openSockets(url, SOCKETS, true);
    say(`khidma: ${sockets.length} sockets open; idling…`);
    await sleep(10_000);
    const after = rssKb(server.child.pid as number);
    const perSocketKb = (after - before) / SOCKETS;

    const arrival = arrivals(sockets, (raw) => {
      const frame = JSON.parse(String(raw)) as { type: string; message?: { body: string } };
      return frame.type === "message" ? frame.message?.body : undefined;
    });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    const baseUrl = new URL(base);
    const reply: RoundTrip = async (i, body) => {
      const seen = arrival(body);
      const res = await send(agent, baseUrl, {
        method: "POST",
        path: `/api/v1/conversations/${conversations[i % PROBES]}/messages`,
        headers: bearer,
        body: { body, kind: "reply" },
      });
      if (res.status !== 201) throw new Error(`reply failed: ${res.body}`);
      return seen;
    };
    return {
      pid: server.child.pid as number,
      perSocketKb,
      send: reply,
      sent: 0,
      close: async () => {
        agent.destroy();
        for (const s of sockets) s.terminate();
        await stop();
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The bare echo, or with `storeUrl` the echo that stores each frame before echoing it. */
async function echo(storeUrl?: string): Promise<Target> {
  const port = await freePort();
  const server = start(["bench/widget-echo-server.ts"], {
    PORT: String(port),
    ...(storeUrl ? { STORE_URL: storeUrl } : {}),
  });
  try {
    const deadline = Date.now() + 30_000;
    while (!server.output().includes("listening")) {
      if (Date.now() > deadline) throw new Error(server.output());
      await sleep(100);
    }
    await sleep(2000);
    const pid = server.child.pid as number;
    const before = rssKb(pid);
    const sockets = await openSockets(() => `ws://127.0.0.1:${port}`, SOCKETS, false);
    await sleep(10_000);
    const perSocketKb = (rssKb(pid) - before) / SOCKETS;
    if (server.child.exitCode !== null) throw new Error(`echo server exited:\n${server.output()}`);
    const arrival = arrivals(sockets, (raw) => String(raw));
    const echoed: RoundTrip = (i, body) => {
      const seen = arrival(body);
      (sockets[i % PROBES] as WebSocket).send(body);
      return seen;
    };
    return {
      pid,
      perSocketKb,
      send: echoed,
      sent: 0,
      close: async () => {
        for (const s of sockets) s.terminate();
        server.child.kill("SIGTERM");
      },
    };
  } catch (err) {
    server.child.kill("SIGTERM");
    throw err;
  }
}

const ms = (v: number) => `${v.toFixed(1)} ms`;
const cpu = (f: Figures) => `${f.cpuMs.toFixed(2)} ms`;
if (process.env.BENCH_SKIP_BUILD !== "1") {
  say("building the server");
  execSync("npm run build -w apps/server", { cwd: root, stdio: "ignore" });
}
// All servers hold their sockets at once (idle while another is measured),
// so their rounds can be taken in turns. On PostgreSQL a third one shows what
// keeping each message costs: the echo that commits one INSERT per frame
// before echoing it.
const storeUrl = process.env.WIDGET_BENCH_DATABASE_URL;
const targets: Target[] = [];
try {
  targets.push(await khidma());
  say("ws echo: opening its sockets…");
  targets.push(await echo());
  if (storeUrl) {
    say("ws echo storing each frame: opening its sockets…");
    targets.push(await echo(storeUrl));
  }
  say(`warming up, then ${DELIVERIES} deliveries each per loop in ${ROUNDS} rounds taken in turns…`);
  for (const target of targets) await closedLoop(target, "warm-up", Math.min(DELIVERIES, 1000));
  const open = await inTurns(targets, (t, n) => openLoop(t, "open", RATE, n));
  const closed = await inTurns(targets, (t, n) => closedLoop(t, "closed", n));
  const measured = targets.map((t, i) => {
    const o = open[i];
    const c = closed[i];
    if (!o || !c) throw new Error("a server was not measured");
    return { perSocketKb: t.perSocketKb, open: o, closed: c };
  });
  const [k, e, s] = measured;
  if (!k || !e) throw new Error("a server was not measured");
  const ratio = k.open.p99 / e.open.p99;
  const saturated = k.closed.p99 / e.closed.p99;
  /** The stored echo's cell of a row, with its ratio to the bare echo. */
  const stored = (
    cell: (m: NonNullable<typeof s>) => string,
    vsBare?: (m: NonNullable<typeof s>) => number,
  ) => (s ? ` ${cell(s)}${vsBare ? ` (${vsBare(s).toFixed(2)}× bare)` : ""} |` : "");
  const row = (f: Figures) => `${ms(f.p99)} (p50 ${ms(f.p50)})`;
  say("");
  say(
    `| measure (${SOCKETS} sockets) | Khidma | bare ws echo |${s ? " ws echo storing each frame |" : ""} ratio (Khidma ÷ bare) | target | met |`,
  );
  say(`|---|---|---|${s ? "---|" : ""}---|---|---|`);
  say(
    `| memory per idle socket | ${k.perSocketKb.toFixed(1)} KB | ${e.perSocketKb.toFixed(1)} KB |${stored((m) => `${m.perSocketKb.toFixed(1)} KB`)} | ≤ 20 KB | ${k.perSocketKb <= 20 ? "yes" : "no"} |`,
  );
  say(
    `| delivery p99 at ${RATE}/s (agent POST → visitor frame) | ${row(k.open)} | ${row(e.open)} |${stored(
      (m) => row(m.open),
      (m) => m.open.p99 / e.open.p99,
    )} ${ratio.toFixed(2)} | ≤ 3 | ${ratio <= 3 ? "yes" : "no"} |`,
  );
  say(
    `| delivery p99, ${CONCURRENCY} in flight (saturated) | ${row(k.closed)} | ${row(e.closed)} |${stored(
      (m) => row(m.closed),
      (m) => m.closed.p99 / e.closed.p99,
    )} ${saturated.toFixed(2)} | | |`,
  );
  say(
    `| server CPU per delivery, idle sockets' upkeep included (at ${RATE}/s; saturated) | ${cpu(k.open)}; ${cpu(k.closed)} | ${cpu(e.open)}; ${cpu(e.closed)} |${stored((m) => `${cpu(m.open)}; ${cpu(m.closed)}`)} | | |`,
  );
} finally {
  for (const target of targets) await target.close();
}
process.exit(0);
