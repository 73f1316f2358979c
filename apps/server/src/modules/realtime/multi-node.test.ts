import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Message } from "@khidma/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount, createTestApp, createUser, type TestApp } from "../../test/harness";
import { type Frame, openSocket, type SocketClient, wsUrl } from "./realtime.test-support";

const databaseUrl = process.env.TEST_DATABASE_URL || null;
const redisUrl = process.env.TEST_REDIS_URL || null;
const ready = Boolean(databaseUrl && redisUrl);
if (!ready) {
  console.warn(
    "multi-node.test: set TEST_DATABASE_URL and TEST_REDIS_URL to run two server processes; skipped",
  );
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../../..");

/** A server process of its own (web role) on the shared PostgreSQL and Redis. */
interface Node {
  port: number;
  child: ChildProcess;
}

/** Starts apps/server/src/main.ts on port 0 and reads the port it listens on from its log. */
function startNode(name: string): Promise<Node> {
  const child = spawn(process.execPath, ["--import", "tsx", "apps/server/src/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      PORT: "0",
      HOST: "127.0.0.1",
      DATABASE_URL: databaseUrl ?? "",
      REDIS_URL: redisUrl ?? "",
      KHIDMA_ROLE: "web",
      KHIDMA_DEMO: "0",
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (d: Buffer) => {
      output += d;
      const m = /listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (m) resolve({ port: Number(m[1]), child });
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`node ${name} exited (${code}):\n${output}`)));
  });
}

async function stopNode(node: Node | undefined): Promise<void> {
  if (!node || node.child.exitCode !== null) return;
  const exited = new Promise((r) => node.child.once("exit", r));
  node.child.kill("SIGTERM");
  await exited;
}

describe.skipIf(!ready)("two server processes on one PostgreSQL and one Redis", () => {
  let t: TestApp;
  let nodeA: Node | undefined;
  let nodeB: Node | undefined;
  const sockets: SocketClient[] = [];

  beforeAll(async () => {
    // This process only makes the accounts; the two nodes serve them.
    t = await createTestApp();
    [nodeA, nodeB] = await Promise.all([startNode("A"), startNode("B")]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await Promise.all([stopNode(nodeA), stopNode(nodeB)]);
    await t?.close();
  });

  const api = (node: Node | undefined, p: string) => `http://127.0.0.1:${node?.port}/api/v1${p}`;

  it("a message posted through node A reaches a socket held by node B, and presence and viewers cross too", async () => {
    const owner = await createAccount(t.ctx);
    const agent = await createUser(t.ctx, owner.accountId, "agent");
    const onA = await openSocket(wsUrl(nodeA?.port ?? 0), { headers: owner.headers });
    const onB = await openSocket(wsUrl(nodeB?.port ?? 0), { headers: agent.headers });
    sockets.push(onA, onB);
    await onA.next((f) => f.type === "hello");
    await onB.next((f) => f.type === "hello");

    // Presence set on node B is seen by node A.
    await onA.next(
      (f: Frame) =>
        f.type === "presence.updated" &&
        (f.data as { userId: number; status: string }).userId === agent.userId &&
        (f.data as { status: string }).status === "online",
    );

    const created = await fetch(api(nodeA, "/conversations"), {
      method: "POST",
      headers: { ...owner.headers, "content-type": "application/json" },
      body: JSON.stringify({
        subject: "Two nodes",
        contact: { name: "Customer", email: `multi${Date.now()}@example.test` },
        body: "Hello from node A",
      }),
    });
    expect(created.status).toBe(201);
    const conversation = (await created.json()) as { id: number };
    await onB.next(
      (f) =>
        f.type === "conversation.created" &&
        (f.data as { conversation: { id: number } }).conversation.id === conversation.id,
    );

    // Both open the conversation, each on its own node: each sees the other.
    onA.send({ type: "subscribe", conversationId: conversation.id });
    onB.send({ type: "subscribe", conversationId: conversation.id });
    await onA.next(
      (f) => f.type === "conversation.viewers" && (f.data as { viewers: unknown[] }).viewers.length === 2,
    );
    onB.send({ type: "typing", conversationId: conversation.id, typing: true });
    await onA.next(
      (f) =>
        f.type === "conversation.viewers" &&
        (f.data as { viewers: { userId: number; typing: boolean }[] }).viewers.some(
          (v) => v.userId === agent.userId && v.typing,
        ),
    );

    const posted = await fetch(api(nodeA, `/conversations/${conversation.id}/messages`), {
      method: "POST",
      headers: { ...owner.headers, "content-type": "application/json" },
      body: JSON.stringify({ body: "Reply written on node A", kind: "reply" }),
    });
    expect(posted.status).toBe(201);
    const message = (await posted.json()) as Message;
    const live = await onB.next(
      (f) => f.type === "message.created" && (f.data as { message: Message }).message.id === message.id,
    );
    const listed = await fetch(api(nodeB, `/conversations/${conversation.id}/messages`), {
      headers: agent.headers,
    });
    const page = (await listed.json()) as { items: Message[] };
    expect(live.data).toEqual({
      conversationId: conversation.id,
      message: page.items.find((m) => m.id === message.id),
    });
  });
});
