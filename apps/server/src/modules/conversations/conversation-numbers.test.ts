import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount, createTestApp, type TestApp, testDatabase } from "../../test/harness";
import { takeConversationNumber } from "./conversation-numbers";
import { nextConversationNumber } from "./conversations.repo";

describe(`conversation numbers (${testDatabase})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it("hands out distinct rising numbers under bursts and never reuses one another statement took", async () => {
    const { accountId } = await createAccount(t.ctx);
    const { accountId: other } = await createAccount(t.ctx);
    const taken: number[] = [];
    for (let burst = 0; burst < 5; burst++) {
      taken.push(
        ...(await Promise.all(Array.from({ length: 20 }, () => takeConversationNumber(t.ctx.db, accountId)))),
      );
      // Another channel taking numbers directly between bursts only skips ahead.
      taken.push(await nextConversationNumber(t.ctx.db, accountId));
    }
    expect(new Set(taken).size).toBe(taken.length);
    const sequential: number[] = [];
    for (let i = 0; i < 10; i++) sequential.push(await takeConversationNumber(t.ctx.db, accountId));
    expect(sequential).toEqual([...sequential].sort((a, b) => a - b));
    expect(taken.filter((n) => sequential.includes(n))).toEqual([]);
    // Accounts count apart.
    expect(await takeConversationNumber(t.ctx.db, other)).toBe(1);
  });
});
