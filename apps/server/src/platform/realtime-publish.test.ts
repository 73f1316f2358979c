import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp, testDatabase } from "../test/harness";
import type { RealtimeMessage } from "./realtime";
import { afterCommit, publishAfterCommit, toUser, transact } from "./realtime-publish";

describe(`publishing after commit (${testDatabase})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  function listen(room: string) {
    const got: RealtimeMessage[] = [];
    const off = t.ctx.hub.subscribe(room, (m) => got.push(m));
    return { got, off };
  }
  // The in-process hub delivers on a microtask; a macrotask later everything published has arrived.
  const settle = () => new Promise((r) => setTimeout(r, 0));

  it("publishes nothing while the transaction is open, and nothing at all when it rolls back", async () => {
    const room = "user:1:101";
    const { got, off } = listen(room);
    await expect(
      transact(t.ctx, async (tx) => {
        expect(afterCommit(tx, toUser(1, 101, "test", { n: 1 }))).toBe(true);
        await settle();
        expect(got).toEqual([]);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    await settle();
    expect(got).toEqual([]);
    off();
  });

  it("publishes what was queued, in order, once the transaction has committed", async () => {
    const room = "user:1:102";
    const { got, off } = listen(room);
    const result = await transact(t.ctx, async (tx) => {
      afterCommit(tx, toUser(1, 102, "first", {}), toUser(1, 102, "second", {}));
      await settle();
      expect(got).toEqual([]);
      return 42;
    });
    expect(result).toBe(42);
    await settle();
    expect(got.map((m) => m.type)).toEqual(["first", "second"]);
    off();
  });

  it("refuses to queue on a transaction it did not open, and publishAfterCommit sends at once", async () => {
    const room = "user:1:103";
    const { got, off } = listen(room);
    await t.ctx.db.transaction().execute(async (tx) => {
      expect(afterCommit(tx, toUser(1, 103, "lost", {}))).toBe(false);
    });
    publishAfterCommit(t.ctx, [toUser(1, 103, "direct", {})]);
    await settle();
    expect(got.map((m) => m.type)).toEqual(["direct"]);
    off();
  });
});
