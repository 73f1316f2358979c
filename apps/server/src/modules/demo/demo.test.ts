import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, createAccount, createTestApp, type TestApp, testDatabase } from "../../test/harness";
import { demoConversations } from "./demo.data";
import { seedDemoData } from "./demo.service";

describe(`demo data (${testDatabase})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it("adds Arabic and English conversations with their contacts, replies and notes", async () => {
    const owner = await createAccount(t.ctx);
    await seedDemoData(t.ctx, owner.accountId, owner.userId);
    const list = await call<{ items: { subject: string; language: string; status: string }[] }>(t.app, {
      method: "GET",
      url: "/api/v1/conversations?view=all&limit=100",
      headers: owner.headers,
    });
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(demoConversations.length);
    expect(new Set(list.body.items.map((c) => c.language))).toEqual(new Set(["ar", "en"]));
    expect(list.body.items.map((c) => c.status)).toContain("solved");

    const search = await call<{ conversations: unknown[] }>(t.app, {
      method: "GET",
      url: `/api/v1/search?q=${encodeURIComponent("الاسترجاع")}`,
      headers: owner.headers,
    });
    expect(search.status).toBe(200);
    expect(search.body.conversations.length).toBeGreaterThan(0);
  });
});
