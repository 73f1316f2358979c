import { Type } from "@sinclair/typebox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount, createTestApp, type TestApp, testDatabase, unique } from "../test/harness";
import { ManualClock } from "./clock";
import {
  backoffDelay,
  claimJobs,
  defineJob,
  enqueueJob,
  type JobDefinition,
  jobRegistry,
  PermanentJobError,
  runClaimedJob,
  runDueJobs,
  startWorker,
} from "./jobs";
import { createLogger } from "./logging";

const Payload = Type.Object({ n: Type.Integer() }, { additionalProperties: false });

describe(`durable jobs (${testDatabase})`, () => {
  let t: TestApp;
  const clock = new ManualClock(new Date("2026-03-01T08:00:00Z"));
  beforeAll(async () => {
    t = await createTestApp({ clock });
  });
  afterAll(() => t.close());

  const jobRow = (accountId: number, id: number) =>
    t.ctx.db
      .selectFrom("jobs")
      .selectAll()
      .where("account_id", "=", accountId)
      .where("id", "=", id)
      .executeTakeFirstOrThrow();

  it("exists only when the enqueueing transaction commits, and refuses a payload off its schema", async () => {
    const a = await createAccount(t.ctx);
    const def = defineJob({ name: unique("job.tx"), payload: Payload, handler: async () => {} });
    await expect(
      t.ctx.db.transaction().execute(async (tx) => {
        await enqueueJob(tx, def, { accountId: a.accountId, payload: { n: 1 }, now: clock.now() });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    await expect(
      enqueueJob(t.ctx.db, def, { accountId: a.accountId, payload: { n: "x" } as never, now: clock.now() }),
    ).rejects.toThrow("payload does not match");
    const rows = await t.ctx.db
      .selectFrom("jobs")
      .select("id")
      .where("account_id", "=", a.accountId)
      .execute();
    expect(rows).toEqual([]);
    const id = await t.ctx.db
      .transaction()
      .execute((tx) => enqueueJob(tx, def, { accountId: a.accountId, payload: { n: 2 }, now: clock.now() }));
    expect((await jobRow(a.accountId, id as number)).state).toBe("queued");
  });

  it("retries a failing job with doubling delays on the injected clock, then marks it dead", async () => {
    const a = await createAccount(t.ctx);
    const seen: number[] = [];
    const deadReasons: string[] = [];
    const def = defineJob({
      name: unique("job.flaky"),
      payload: Payload,
      maxAttempts: 3,
      backoffMs: 60_000,
      handler: async (_ctx, job) => {
        seen.push(job.attempt);
        throw new Error(`refused on attempt ${job.attempt}`);
      },
      onDead: async (_ctx, tx, job, reason) => {
        deadReasons.push(reason);
        // onDead shares the transaction that marks the job dead.
        const row = await tx
          .selectFrom("jobs")
          .select("state")
          .where("account_id", "=", job.accountId)
          .where("id", "=", job.id)
          .executeTakeFirstOrThrow();
        expect(row.state).toBe("dead");
      },
    });
    const registry = jobRegistry([def]);
    const id = (await enqueueJob(t.ctx.db, def, {
      accountId: a.accountId,
      payload: { n: 1 },
      now: clock.now(),
    })) as number;

    expect(await runDueJobs(t.ctx, registry)).toEqual({ done: 0, retry: 1, dead: 0 });
    let row = await jobRow(a.accountId, id);
    expect(row).toMatchObject({ state: "queued", attempts: 1, last_error: "refused on attempt 1" });
    expect(row.run_at.getTime() - clock.now().getTime()).toBe(60_000);

    // Not due yet: nothing runs until the clock reaches run_at.
    clock.advance(59_999);
    expect(await runDueJobs(t.ctx, registry)).toEqual({ done: 0, retry: 0, dead: 0 });
    clock.advance(1);
    expect(await runDueJobs(t.ctx, registry)).toEqual({ done: 0, retry: 1, dead: 0 });
    row = await jobRow(a.accountId, id);
    expect(row.run_at.getTime() - clock.now().getTime()).toBe(120_000);

    clock.advance(120_000);
    expect(await runDueJobs(t.ctx, registry)).toEqual({ done: 0, retry: 0, dead: 1 });
    row = await jobRow(a.accountId, id);
    expect(row).toMatchObject({ state: "dead", attempts: 3, last_error: "refused on attempt 3" });
    expect(row.finished_at?.getTime()).toBe(clock.now().getTime());
    expect(seen).toEqual([1, 2, 3]);
    expect(deadReasons).toEqual(["refused on attempt 3"]);
    clock.advance(24 * 3_600_000);
    expect(await runDueJobs(t.ctx, registry)).toEqual({ done: 0, retry: 0, dead: 0 });
  });

  it("caps the backoff and sends a permanent failure straight to dead", async () => {
    const capped: JobDefinition = {
      name: "x",
      payload: Payload,
      handler: async () => {},
      backoffMs: 1000,
      maxBackoffMs: 5000,
    };
    expect([1, 2, 3, 4, 10].map((n) => backoffDelay(capped, n))).toEqual([1000, 2000, 4000, 5000, 5000]);

    const a = await createAccount(t.ctx);
    const def = defineJob({
      name: unique("job.permanent"),
      payload: Payload,
      handler: async () => {
        throw new PermanentJobError("no settings");
      },
    });
    const id = (await enqueueJob(t.ctx.db, def, {
      accountId: a.accountId,
      payload: { n: 1 },
      now: clock.now(),
    })) as number;
    expect(await runDueJobs(t.ctx, jobRegistry([def]))).toEqual({ done: 0, retry: 0, dead: 1 });
    expect(await jobRow(a.accountId, id)).toMatchObject({
      state: "dead",
      attempts: 1,
      last_error: "no settings",
    });
  });

  it("adds a singleton job once while it is unfinished", async () => {
    const a = await createAccount(t.ctx);
    const def = defineJob({ name: unique("job.single"), payload: Payload, handler: async () => {} });
    const input = { accountId: a.accountId, payload: { n: 1 }, now: clock.now(), singletonKey: "m1" };
    const first = await enqueueJob(t.ctx.db, def, input);
    expect(first).toBeTypeOf("number");
    expect(await enqueueJob(t.ctx.db, def, input)).toBeNull();
    expect(await runDueJobs(t.ctx, jobRegistry([def]))).toEqual({ done: 1, retry: 0, dead: 0 });
    expect(await enqueueJob(t.ctx.db, def, input)).toBeTypeOf("number");
  });

  it("lets another worker take over a job whose lease ran out, and ignores the late finisher", async () => {
    const a = await createAccount(t.ctx);
    let runs = 0;
    const def = defineJob({
      name: unique("job.lease"),
      payload: Payload,
      leaseMs: 60_000,
      handler: async () => {
        runs += 1;
      },
    });
    const registry = jobRegistry([def]);
    const id = (await enqueueJob(t.ctx.db, def, {
      accountId: a.accountId,
      payload: { n: 1 },
      now: clock.now(),
    })) as number;
    const [held] = await claimJobs(t.ctx, registry, { workerId: "w-dead", limit: 5 });
    expect(held?.id).toBe(id);
    expect(await claimJobs(t.ctx, registry, { workerId: "w-other", limit: 5 })).toEqual([]);
    clock.advance(60_000);
    const [taken] = await claimJobs(t.ctx, registry, { workerId: "w-other", limit: 5 });
    expect(taken).toMatchObject({ id, attempts: 2 });
    // The first worker wakes up late: its result must not overwrite the new owner's.
    if (held) await runClaimedJob(t.ctx, registry, held, "w-dead");
    expect((await jobRow(a.accountId, id)).locked_by).toBe("w-other");
    if (taken) expect(await runClaimedJob(t.ctx, registry, taken, "w-other")).toBe("done");
    expect((await jobRow(a.accountId, id)).state).toBe("done");
    expect(runs).toBe(2);
  });

  it("never hands one job to two workers claiming at the same time", async () => {
    const a = await createAccount(t.ctx);
    const def = defineJob({ name: unique("job.race"), payload: Payload, handler: async () => {} });
    const registry = jobRegistry([def]);
    for (let n = 0; n < 40; n += 1) {
      await enqueueJob(t.ctx.db, def, { accountId: a.accountId, payload: { n }, now: clock.now() });
    }
    const claims = await Promise.all(
      ["w1", "w2", "w3", "w4"].map((workerId) => claimJobs(t.ctx, registry, { workerId, limit: 15 })),
    );
    const ids = claims.flat().map((r) => r.id);
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);
  });

  it("runs every job exactly once with two worker loops", async () => {
    const a = await createAccount(t.ctx);
    const runs = new Map<number, number>();
    const def = defineJob({
      name: unique("job.loop"),
      payload: Payload,
      handler: async (_ctx, job) => {
        runs.set(job.payload.n, (runs.get(job.payload.n) ?? 0) + 1);
      },
    });
    const registry = jobRegistry([def]);
    const total = 60;
    await t.ctx.db.transaction().execute(async (tx) => {
      for (let n = 0; n < total; n += 1) {
        await enqueueJob(tx, def, { accountId: a.accountId, payload: { n }, now: clock.now() });
      }
    });
    const log = createLogger("silent");
    const workers = [
      startWorker(t.ctx, registry, { log, concurrency: 3, pollMs: 20 }),
      startWorker(t.ctx, registry, { log, concurrency: 3, pollMs: 20 }),
    ];
    const unfinished = () =>
      t.ctx.db
        .selectFrom("jobs")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("account_id", "=", a.accountId)
        .where("state", "!=", "done")
        .executeTakeFirstOrThrow();
    for (let i = 0; i < 500 && (await unfinished()).n > 0; i += 1) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await Promise.all(workers.map((w) => w.stop()));
    expect((await unfinished()).n).toBe(0);
    expect(runs.size).toBe(total);
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
  });
});
