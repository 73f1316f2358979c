import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import nodemailer from "nodemailer";
import { afterAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../app";
import { openDatabase } from "../../platform/db";
import { migrateToLatest } from "../../platform/migrate";
import { createAccount, testDatabase, unique } from "../../test/harness";

// The durability promise is about the real process: it is spawned from
// source, killed with SIGKILL in the middle of a burst of mail and started
// again on the same data.
const root = path.resolve(__dirname, "../../../../..");
const databaseUrl = process.env.TEST_DATABASE_URL ?? "";

async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once("error", () => resolve(false));
      s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
    });
    if (ok) return port;
  }
  throw new Error("no free port");
}

interface Server {
  child: ChildProcess;
  output: () => string;
}

async function startServer(env: Record<string, string>, httpPort: number, smtpPort: number): Promise<Server> {
  const child = spawn(process.execPath, ["--import", "tsx", "apps/server/src/main.ts"], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(httpPort), SMTP_PORT: String(smtpPort), HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d) => {
    out += d;
  });
  child.stderr?.on("data", (d) => {
    out += d;
  });
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited:\n${out}`);
    const up = await fetch(`http://127.0.0.1:${httpPort}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    const smtpUp = await new Promise<boolean>((resolve) => {
      const s = net.connect(smtpPort, "127.0.0.1");
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
    });
    if (up && smtpUp) return { child, output: () => out };
    if (Date.now() > deadline) throw new Error(`server did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function api<T>(
  base: string,
  method: string,
  url: string,
  headers: Record<string, string>,
  body?: object,
) {
  const res = await fetch(`${base}/api/v1${url}`, {
    method,
    headers: { ...headers, ...(body ? { "content-type": "application/json" } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, headers: res.headers, body: (await res.json().catch(() => null)) as T };
}

describe(`email durability: kill -9 during a burst (${testDatabase})`, () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "khidma-durable-"));
  let server: Server | null = null;
  afterAll(async () => {
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      const exited = new Promise((r) => server?.child.once("exit", r));
      server.child.kill("SIGTERM");
      await exited;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("keeps every acknowledged message exactly once", async () => {
    const httpPort = await freePort();
    const smtpPort = await freePort();
    const env = {
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      KHIDMA_ADMIN_EMAIL: "owner@durable.test",
      KHIDMA_ADMIN_PASSWORD: "durable-owner-password",
      KHIDMA_DEMO: "0",
      KHIDMA_SECRET: "durability-test-secret",
      LOG_LEVEL: "error",
    };
    const base = `http://127.0.0.1:${httpPort}`;
    server = await startServer(env, httpPort, smtpPort);
    console.log("durability: started");

    // An account to receive the mail: the bootstrapped owner on a fresh
    // PGlite; on the shared PostgreSQL a new account made directly.
    let auth: Record<string, string>;
    if (databaseUrl) {
      const handle = await openDatabase({ databaseUrl, dataDir: ":memory:", poolSize: 1 });
      await migrateToLatest(handle.db as never);
      const owner = await createAccount({ db: handle.db } as AppContext);
      await handle.close();
      auth = owner.headers;
    } else {
      const login = await api<{ csrfToken: string }>(
        base,
        "POST",
        "/auth/login",
        {},
        {
          email: env.KHIDMA_ADMIN_EMAIL,
          password: env.KHIDMA_ADMIN_PASSWORD,
        },
      );
      const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
      const token = await api<{ token: string }>(
        base,
        "POST",
        "/api-tokens",
        { cookie, "x-csrf-token": login.body.csrfToken },
        { name: "durability" },
      );
      auth = { authorization: `Bearer ${token.body.token}` };
    }
    const address = `${unique("durable")}@example.test`;
    const inbox = await api(base, "POST", "/inboxes", auth, { channel: "email", name: "Durable", address });
    expect(inbox.status).toBe(201);

    const total = 40;
    const killAfter = 12;
    const ids = Array.from({ length: total }, (_, i) => `${unique(`burst${i}-`)}@sender.test`);
    const acked = new Set<string>();
    const send = (id: string, i: number) =>
      nodemailer
        .createTransport({ host: "127.0.0.1", port: smtpPort, ignoreTLS: true, connectionTimeout: 5000 })
        .sendMail({
          from: `c${i}@sender.test`,
          to: address,
          subject: `burst ${id}`,
          messageId: `<${id}>`,
          text: `n ${i}`,
        })
        .then(
          (info) => {
            if (/^250 /.test(info.response)) acked.add(id);
          },
          () => {},
        );
    // Four senders at a time, so messages are in flight when the process dies.
    let next = 0;
    let killed = false;
    const worker = async () => {
      while (next < total) {
        const i = next++;
        await send(ids[i] as string, i);
        if (!killed && acked.size >= killAfter) {
          killed = true;
          server?.child.kill("SIGKILL");
        }
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    const ackedBeforeKill = acked.size;
    console.log(`durability: burst done, ${ackedBeforeKill} acknowledged`);
    expect(killed).toBe(true);
    await new Promise((r) => {
      const child = server?.child;
      // A process killed by a signal has a signalCode and no exitCode.
      if (!child || child.exitCode !== null || child.signalCode !== null) r(null);
      else child.once("exit", r);
    });
    expect(acked.size).toBeGreaterThanOrEqual(killAfter);
    expect(acked.size).toBeLessThan(total);

    server = await startServer(env, httpPort, smtpPort);
    console.log("durability: restarted");
    const subjects = async () => {
      const out: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: { subject: string }[]; nextCursor: string | null } } = await api(
          base,
          "GET",
          `/conversations?limit=100${cursor ? `&cursor=${cursor}` : ""}`,
          auth,
        );
        out.push(...page.body.items.map((c) => c.subject));
        cursor = page.body.nextCursor;
      } while (cursor);
      return out;
    };
    const afterCrash = await subjects();
    for (const id of acked) expect(afterCrash.filter((s) => s === `burst ${id}`)).toHaveLength(1);

    // Senders retry what was not acknowledged (and some resend what was): still one each.
    for (const [i, id] of ids.entries()) await send(id, i);
    const final = await subjects();
    for (const id of ids) expect(final.filter((s) => s === `burst ${id}`)).toHaveLength(1);
    console.log(
      `durability: ${ackedBeforeKill} of ${total} acknowledged before SIGKILL, each present once after restart; all ${total} once after the senders retried`,
    );
  }, 240_000);
});
