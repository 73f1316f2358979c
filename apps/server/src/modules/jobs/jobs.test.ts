import { Type } from "@sinclair/typebox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../platform/clock";
import { defineJob, enqueueJob, jobRegistry, runDueJobs } from "../../platform/jobs";
import {
  call,
  createAccount,
  createTestApp,
  createUser,
  type TestApp,
  testDatabase,
  unique,
} from "../../test/harness";

type ErrorBody = { error: { code: string; message: string } };
type JobsPage = {
  items: { id: number; name: string; state: string; lastError: string | null; attempts: number }[];
  nextCursor: string | null;
};

describe(`jobs admin API (${testDatabase})`, () => {
  let t: TestApp;
  const clock = new ManualClock(new Date("2025-08-01T10:00:00Z"));
  beforeAll(async () => {
    t = await createTestApp({ clock });
  });
  afterAll(() => t.close());

  const get = (headers: Record<string, string>, query = "") =>
    call<JobsPage & ErrorBody>(t.app, { method: "GET", url: `/api/v1/jobs${query}`, headers });

  it("answers 401, 403 for agents, 400 for a bad state, then the dead jobs of the account only", async () => {
    const a = await createAccount(t.ctx);
    expect((await get({})).status).toBe(401);
    const agent = await createUser(t.ctx, a.accountId, "agent");
    expect((await get(agent.headers)).status).toBe(403);
    const bad = await get(a.headers, "?state=lost");
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("state must be one of");
    expect((await get(a.headers, "?state=dead&extra=1")).status).toBe(400);

    const def = defineJob({
      name: unique("job.admin"),
      payload: Type.Object({ n: Type.Integer() }),
      maxAttempts: 1,
      handler: async (_ctx, job) => {
        if (job.payload.n % 2) throw new Error(`item ${job.payload.n} refused`);
      },
    });
    const other = await createAccount(t.ctx);
    for (const [accountId, n] of [
      [a.accountId, 1],
      [a.accountId, 2],
      [a.accountId, 3],
      [other.accountId, 5],
    ] as const) {
      await enqueueJob(t.ctx.db, def, { accountId, payload: { n }, now: clock.now() });
    }
    expect(await runDueJobs(t.ctx, jobRegistry([def]))).toEqual({ done: 1, retry: 0, dead: 3 });

    const dead = await get(a.headers, "?limit=1");
    expect(dead.status).toBe(200);
    expect(dead.body.items).toMatchObject([
      { name: def.name, state: "dead", attempts: 1, lastError: "item 3 refused" },
    ]);
    const next = await get(a.headers, `?limit=1&cursor=${dead.body.nextCursor}`);
    expect(next.body.items.map((j) => j.lastError)).toEqual(["item 1 refused"]);
    expect(next.body.nextCursor).toBeNull();
    const done = await get(a.headers, "?state=done");
    expect(done.body.items).toHaveLength(1);
    const others = await get(other.headers);
    expect(others.body.items.map((j) => j.lastError)).toEqual(["item 5 refused"]);
  });
});
