import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { freePort } from "../e2e/support/server";

/**
 * Benchmark (b) of the widget: SOCKETS visitor sockets (5,000 by default) on
 * one Khidma node. Prints the server's memory per idle socket (RSS growth
 * over the idle sockets) and the agent-to-visitor delivery p99 (from the
 * agent's POST to the frame arriving at the visitor's socket) while they are
 * connected, beside a bare `ws` echo server's p99 at the same number of
 * sockets, measured in the same run. Run: npx tsx bench/widget-sockets.ts
 * Environment: SOCKETS, PROBES (visitors with a conversation), DELIVERIES,
 * CONCURRENCY, WIDGET_BENCH_DATABASE_URL (an empty PostgreSQL database; PGlite
 * in a temporary directory by default), BENCH_NODE_FLAGS (extra node flags for
 * the servers, e.g. "--cpu-prof").
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SOCKETS = Number(process.env.SOCKETS ?? 5000);
const PROBES = Number(process.env.PROBES ?? 100);
const DELIVERIES = Number(process.env.DELIVERIES ?? 1000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 4);
const ADMIN = { email: "bench@khidma.test", password: "bench-owner-password" };

const say = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rssKb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
}

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
  const child = spawn(process.execPath, [...prof, "--import", "tsx", ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d) => {
    out += d;
  });
  child.stderr?.on("data", (d) => {
    out += d;
  });
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

async function khidma(): Promise<{
  perSocketKb: number;
  p50: number;
  p99: number;
  postP99: number;
  pushP99: number;
}> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "khidma-widget-bench-"));
  const server = start(["apps/server/src/main.ts"], {
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
  try {
    await waitFor(`${base}/api/health`, server.child, server.output);
    // The bench entry does not bootstrap the first account: sign-in tells.
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

    const waiting = new Map<string, number>();
    const answered = new Map<string, number>();
    const started = new Map<string, number>();
    const latencies: number[] = [];
    const posts: number[] = [];
    const pushes: number[] = [];
    for (let i = 0; i < PROBES; i++) {
      sockets[i]?.on("message", (raw) => {
        const frame = JSON.parse(String(raw)) as { type: string; message?: { body: string } };
        const t0 = frame.type === "message" && frame.message ? waiting.get(frame.message.body) : undefined;
        if (t0 !== undefined) {
          const now = performance.now();
          latencies.push(now - t0);
          const body = frame.message?.body ?? "";
          waiting.delete(body);
          const t1 = answered.get(body);
          // After the POST answered: the push alone. Before it: the push beat the answer.
          pushes.push(t1 === undefined ? 0 : Math.max(0, now - t1));
        }
      });
    }
    await runPool(DELIVERIES, CONCURRENCY, async (i) => {
      const body = `bench-reply-${i}`;
      const t0 = performance.now();
      waiting.set(body, t0);
      started.set(body, t0);
      const res = await fetch(`${base}/api/v1/conversations/${conversations[i % PROBES]}/messages`, {
        method: "POST",
        headers: bearer,
        body: JSON.stringify({ body, kind: "reply" }),
      });
      if (res.status !== 201) throw new Error(`reply failed: ${await res.text()}`);
      const t1 = performance.now();
      posts.push(t1 - (started.get(body) ?? t1));
      if (waiting.has(body)) answered.set(body, t1);
    });
    await sleep(1000);
    if (latencies.length < DELIVERIES)
      say(`khidma: ${DELIVERIES - latencies.length} replies not seen by a socket`);
    for (const s of sockets) s.terminate();
    return {
      perSocketKb,
      p50: p(latencies, 0.5),
      p99: p(latencies, 0.99),
      postP99: p(posts, 0.99),
      pushP99: p(pushes, 0.99),
    };
  } finally {
    server.child.kill("SIGTERM");
    await sleep(500);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function echo(): Promise<{ perSocketKb: number; p50: number; p99: number }> {
  const port = await freePort();
  const server = start(["bench/widget-echo-server.ts"], { PORT: String(port) });
  try {
    const deadline = Date.now() + 30_000;
    while (!server.output().includes("listening")) {
      if (Date.now() > deadline) throw new Error(server.output());
      await sleep(100);
    }
    await sleep(2000);
    const before = rssKb(server.child.pid as number);
    const sockets = await openSockets(() => `ws://127.0.0.1:${port}`, SOCKETS, false);
    await sleep(10_000);
    const perSocketKb = (rssKb(server.child.pid as number) - before) / SOCKETS;
    const latencies: number[] = [];
    await runPool(DELIVERIES, CONCURRENCY, async (i) => {
      const socket = sockets[i % PROBES] as WebSocket;
      const body = `echo-${i}`;
      const t0 = performance.now();
      await new Promise<void>((resolve) => {
        const on = (raw: WebSocket.RawData) => {
          if (String(raw) !== body) return;
          socket.off("message", on);
          latencies.push(performance.now() - t0);
          resolve();
        };
        socket.on("message", on);
        socket.send(body);
      });
    });
    for (const s of sockets) s.terminate();
    return { perSocketKb, p50: p(latencies, 0.5), p99: p(latencies, 0.99) };
  } finally {
    server.child.kill("SIGTERM");
  }
}

const k = await khidma();
say(
  `khidma: ${k.perSocketKb.toFixed(1)} KB per idle socket; delivery p50 ${k.p50.toFixed(1)} ms, p99 ${k.p99.toFixed(1)} ms`,
);
const e = await echo();
say(
  `ws echo: ${e.perSocketKb.toFixed(1)} KB per idle socket; round trip p50 ${e.p50.toFixed(1)} ms, p99 ${e.p99.toFixed(1)} ms`,
);
const ratio = k.p99 / e.p99;
say("");
say(`| measure (${SOCKETS} sockets) | Khidma | bare ws echo | ratio | target | met |`);
say("|---|---|---|---|---|---|");
say(
  `| memory per idle socket | ${k.perSocketKb.toFixed(1)} KB | ${e.perSocketKb.toFixed(1)} KB | | ≤ 20 KB | ${k.perSocketKb <= 20 ? "yes" : "no"} |`,
);
say(
  `| delivery p99 (agent POST → visitor frame) | ${k.p99.toFixed(1)} ms | ${e.p99.toFixed(1)} ms | ${ratio.toFixed(2)} | ≤ 3 | ${ratio <= 3 ? "yes" : "no"} |`,
);
say(`| of which the agent's POST (store and commit) p99 | ${k.postP99.toFixed(1)} ms | | | | |`);
say(
  `| push after the POST answered p99 | ${k.pushP99.toFixed(1)} ms | ${e.p99.toFixed(1)} ms | ${(k.pushP99 / e.p99).toFixed(2)} | | |`,
);
process.exit(0);
