import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hubReady } from "../../platform/realtime";
import { call, createAccount, createTestApp, type TestApp } from "../../test/harness";
import { ChatTestClient, makeWidget, startSession, wsBase } from "./chat.test-support";

const redisUrl = process.env.TEST_REDIS_URL;
const databaseUrl = process.env.TEST_DATABASE_URL;
if (!redisUrl || !databaseUrl) {
  process.stdout.write(
    "TEST_REDIS_URL and TEST_DATABASE_URL are not both set: skipping the two-node chat test.\n",
  );
}

describe.skipIf(!redisUrl || !databaseUrl)("live chat across two nodes (postgres and redis)", () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    const opts = { redisUrl: redisUrl as string, config: { redisUrl: redisUrl as string } };
    a = await createTestApp(opts);
    b = await createTestApp(opts);
    await a.app.listen({ port: 0, host: "127.0.0.1" });
    await b.app.listen({ port: 0, host: "127.0.0.1" });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it("delivers an agent's reply posted on node A to a visitor socket held by node B, once", async () => {
    const owner = await createAccount(a.ctx);
    const w = await makeWidget(a, owner);
    const token = await startSession(a, w.key);
    const client = new ChatTestClient(`${wsBase(b)}/api/v1/widget/ws?key=${w.key}&token=${token}`);
    await client.connect();
    client.send("node-b-0001", "hello from node B");
    await client.until(() => client.outbox.length === 0);
    await hubReady(b.ctx.hub);
    const { conversation_id } = await a.ctx.db
      .selectFrom("visitors")
      .select("conversation_id")
      .where("account_id", "=", owner.accountId)
      .executeTakeFirstOrThrow();
    const reply = await call(a.app, {
      method: "POST",
      url: `/api/v1/conversations/${conversation_id}/messages`,
      headers: owner.headers,
      payload: { body: "answered on node A", kind: "reply" },
    });
    expect(reply.status).toBe(201);
    await client.until(() => client.messages().some((m) => m.body === "answered on node A"));
    expect(client.messages().map((m) => m.body)).toEqual(["hello from node B", "answered on node A"]);
    client.cut();
  });
});
