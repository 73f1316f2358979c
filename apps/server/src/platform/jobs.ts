import { randomBytes } from "node:crypto";
import type { Static, TSchema } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import type { FastifyBaseLogger } from "fastify";
import { sql } from "kysely";
import type { AppContext } from "../app";
import type { Executor, Tx } from "./db";
import { transact } from "./realtime-publish";

/** A claimed job as its handler sees it. */
export interface JobRun<P> {
  id: number;
  accountId: number;
  name: string;
  payload: P;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
}

/**
 * A typed job: its name, the schema its payload must satisfy, and the handler.
 * Handlers must be idempotent: a worker that dies after the work but before
 * the row is marked done leaves the job to run again once its lease ends.
 */
export interface JobDefinition<S extends TSchema = TSchema> {
  name: string;
  payload: S;
  // Method syntax keeps definitions of any payload assignable to JobDefinition.
  handler(ctx: AppContext, job: JobRun<Static<S>>): Promise<void>;
  /** Runs in the transaction that marks the job dead, after the last attempt failed. */
  onDead?(ctx: AppContext, tx: Tx, job: JobRun<Static<S>>, reason: string): Promise<void>;
  /** Attempts before the job is dead (default 5). */
  maxAttempts?: number;
  /** Delay before the second attempt, doubled each time after (default 30 s). */
  backoffMs?: number;
  /** Longest delay between attempts (default 1 h). */
  maxBackoffMs?: number;
  /** How long a worker holds a running job before another may take it over (default 10 min). */
  leaseMs?: number;
}

/** Declares a job; modules export these from their `<feature>.jobs.ts`. */
export function defineJob<S extends TSchema>(def: JobDefinition<S>): JobDefinition<S> {
  return def;
}

/** Thrown by a handler when retrying cannot help: the job goes dead at once. */
export class PermanentJobError extends Error {}

const DEFAULTS = { maxAttempts: 5, backoffMs: 30_000, maxBackoffMs: 3_600_000, leaseMs: 600_000 };

/** Delay before the attempt after `attempt` failed: doubling from backoffMs, capped. */
export function backoffDelay(def: JobDefinition, attempt: number): number {
  const base = def.backoffMs ?? DEFAULTS.backoffMs;
  const cap = def.maxBackoffMs ?? DEFAULTS.maxBackoffMs;
  return Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
}

const nudges = new Set<() => void>();

/**
 * Adds a job. Call it with the transaction of the change that needs the work:
 * the job exists only if that change commits. With a singleton key, a second
 * job of the same name and key is not added while the first is unfinished;
 * the answer is then null.
 */
export async function enqueueJob<S extends TSchema>(
  tx: Executor,
  def: JobDefinition<S>,
  input: { accountId: number; payload: Static<S>; now: Date; delayMs?: number; singletonKey?: string },
): Promise<number | null> {
  if (!Value.Check(def.payload, input.payload)) {
    throw new Error(`job ${def.name}: payload does not match its schema`);
  }
  const runAt = new Date(input.now.getTime() + (input.delayMs ?? 0));
  const result = await sql<{ id: number }>`
    insert into jobs (account_id, name, payload, max_attempts, run_at, singleton_key, created_at, updated_at)
    values (${input.accountId}, ${def.name}, ${JSON.stringify(input.payload)}::jsonb,
      ${def.maxAttempts ?? DEFAULTS.maxAttempts}, ${runAt}, ${input.singletonKey ?? null}, ${input.now}, ${input.now})
    on conflict (account_id, name, singleton_key)
      where singleton_key is not null and state in ('queued','running') do nothing
    returning id`.execute(tx);
  // Workers in this process look sooner than their next poll; a nudge before
  // the commit only makes them look early and find nothing.
  setTimeout(() => {
    for (const nudge of nudges) nudge();
  }, 25).unref();
  return result.rows[0]?.id ?? null;
}

interface JobRow {
  account_id: number;
  id: number;
  name: string;
  payload: unknown;
  attempts: number;
  max_attempts: number;
}

/** The job definitions a worker runs, by name. */
export type JobRegistry = ReadonlyMap<string, JobDefinition>;

/** Builds a registry; two definitions with one name are a programming error. */
export function jobRegistry(defs: readonly JobDefinition[]): JobRegistry {
  const map = new Map<string, JobDefinition>();
  for (const def of defs) {
    if (map.has(def.name)) throw new Error(`job ${def.name} is defined twice`);
    map.set(def.name, def);
  }
  return map;
}

/**
 * Claims up to `limit` due jobs for one worker. A row is due when queued and
 * its time has come, or when running and its lease ran out (its worker died).
 * SKIP LOCKED lets concurrent workers pass over each other's rows, so a job is
 * handed to one worker at a time. `run_at` becomes the lease's end.
 */
export async function claimJobs(
  ctx: AppContext,
  registry: JobRegistry,
  opts: { workerId: string; limit: number },
): Promise<JobRow[]> {
  const names = [...registry.keys()];
  if (names.length === 0 || opts.limit < 1) return [];
  const now = ctx.clock.now();
  const leases = names.map((n) => registry.get(n)?.leaseMs ?? DEFAULTS.leaseMs);
  const lease = Math.max(...leases);
  const result = await sql<JobRow>`
    update jobs j set state = 'running', attempts = j.attempts + 1, locked_by = ${opts.workerId},
      run_at = ${new Date(now.getTime() + lease)}, updated_at = ${now}
    from (
      select account_id, id from jobs
      where state in ('queued','running') and run_at <= ${now} and name = any(${names}::text[])
      order by run_at, id
      limit ${opts.limit}
      for update skip locked
    ) due
    where j.account_id = due.account_id and j.id = due.id
    returning j.account_id, j.id, j.name, j.payload, j.attempts, j.max_attempts`.execute(ctx.db);
  return result.rows;
}

function describe(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.slice(0, 2000) || "error";
}

/**
 * Runs one claimed job and records the outcome: done; queued again after the
 * backoff delay; or dead after the last attempt (or a PermanentJobError),
 * with the definition's onDead in the same transaction. Only the worker that
 * holds the row may finish it.
 */
export async function runClaimedJob(
  ctx: AppContext,
  registry: JobRegistry,
  row: JobRow,
  workerId: string,
  log?: FastifyBaseLogger,
): Promise<"done" | "retry" | "dead"> {
  const def = registry.get(row.name);
  const run: JobRun<unknown> = {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    payload: row.payload,
    attempt: row.attempts,
    maxAttempts: row.max_attempts,
  };
  let failure: { reason: string; permanent: boolean } | null = null;
  if (!def) failure = { reason: `no definition for job ${row.name}`, permanent: true };
  else if (!Value.Check(def.payload, row.payload)) {
    failure = { reason: "payload does not match its schema", permanent: true };
  } else {
    try {
      await def.handler(ctx, run as JobRun<Static<typeof def.payload>>);
    } catch (err) {
      failure = { reason: describe(err), permanent: err instanceof PermanentJobError };
    }
  }
  const now = ctx.clock.now();
  const mine = (tx: Executor) =>
    tx
      .updateTable("jobs")
      .where("account_id", "=", row.account_id)
      .where("id", "=", row.id)
      .where("state", "=", "running")
      .where("locked_by", "=", workerId);
  if (!failure) {
    await mine(ctx.db)
      .set({ state: "done", finished_at: now, updated_at: now, locked_by: null, last_error: null })
      .execute();
    return "done";
  }
  log?.warn({ job: row.name, id: row.id, attempt: row.attempts, reason: failure.reason }, "job failed");
  if (!failure.permanent && row.attempts < row.max_attempts && def) {
    await mine(ctx.db)
      .set({
        state: "queued",
        run_at: new Date(now.getTime() + backoffDelay(def, row.attempts)),
        updated_at: now,
        locked_by: null,
        last_error: failure.reason,
      })
      .execute();
    return "retry";
  }
  const reason = failure.reason;
  // transact: what onDead changes may be announced live once it commits.
  await transact(ctx, async (tx) => {
    const res = await mine(tx)
      .set({ state: "dead", finished_at: now, updated_at: now, locked_by: null, last_error: reason })
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 1 && def?.onDead) await def.onDead(ctx, tx, run as never, reason);
  });
  return "dead";
}

/** Claims due jobs and runs them one after another; what tests and sweeps call. */
export async function runDueJobs(
  ctx: AppContext,
  registry: JobRegistry,
  opts: { workerId?: string; limit?: number } = {},
): Promise<{ done: number; retry: number; dead: number }> {
  const workerId = opts.workerId ?? newWorkerId();
  const rows = await claimJobs(ctx, registry, { workerId, limit: opts.limit ?? 20 });
  const counts = { done: 0, retry: 0, dead: 0 };
  for (const row of rows) counts[await runClaimedJob(ctx, registry, row, workerId)] += 1;
  return counts;
}

/** A worker id that names the process, for `locked_by` and the logs. */
export function newWorkerId(): string {
  return `${process.pid}-${randomBytes(4).toString("hex")}`;
}

/** A running worker loop. */
export interface Worker {
  id: string;
  /** Stops claiming and waits for the jobs in hand to finish. */
  stop(): Promise<void>;
}

/**
 * Starts a worker: it claims due jobs (up to `concurrency` in hand), runs
 * them, and sleeps `pollMs` when nothing is due; an enqueue in this process
 * wakes it early. Finished jobs older than a week are removed now and then.
 */
export function startWorker(
  ctx: AppContext,
  registry: JobRegistry,
  opts: { log: FastifyBaseLogger; concurrency?: number; pollMs?: number },
): Worker {
  const id = newWorkerId();
  const concurrency = opts.concurrency ?? 4;
  const pollMs = opts.pollMs ?? 1000;
  const inFlight = new Set<Promise<unknown>>();
  let running = true;
  let wake: (() => void) | null = null;
  const nudge = () => wake?.();
  nudges.add(nudge);
  let lastPurge = 0;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(finish, ms);
      function finish() {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = finish;
    });

  const loop = async () => {
    while (running) {
      let claimed = 0;
      try {
        if (Date.now() - lastPurge > 3_600_000) {
          lastPurge = Date.now();
          await purgeFinishedJobs(ctx, 7 * 24 * 3_600_000);
        }
        const rows = await claimJobs(ctx, registry, { workerId: id, limit: concurrency - inFlight.size });
        claimed = rows.length;
        for (const row of rows) {
          const p = runClaimedJob(ctx, registry, row, id, opts.log)
            .catch((err) => opts.log.error({ err, job: row.name, id: row.id }, "job bookkeeping failed"))
            .finally(() => {
              inFlight.delete(p);
              nudge();
            });
          inFlight.add(p);
        }
      } catch (err) {
        opts.log.error({ err }, "claiming jobs failed");
      }
      if (!running) break;
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
      else if (claimed === 0) await sleep(pollMs);
    }
  };
  const done = loop();
  return {
    id,
    async stop() {
      running = false;
      nudges.delete(nudge);
      wake?.();
      await done;
      await Promise.allSettled([...inFlight]);
    },
  };
}

/** Deletes done jobs finished before `olderThanMs` ago; dead ones stay for admins. */
export async function purgeFinishedJobs(ctx: AppContext, olderThanMs: number): Promise<number> {
  const before = new Date(ctx.clock.now().getTime() - olderThanMs);
  const res = await ctx.db
    .deleteFrom("jobs")
    .where("state", "=", "done")
    .where("finished_at", "<", before)
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** The states of a job row. */
export const JOB_STATES = ["queued", "running", "done", "dead"] as const;
export type JobState = (typeof JOB_STATES)[number];

/** A job as admins see it. */
export interface JobView {
  id: number;
  name: string;
  state: JobState;
  attempts: number;
  maxAttempts: number;
  payload: unknown;
  lastError: string | null;
  runAt: string;
  createdAt: string;
  finishedAt: string | null;
}

/** The account's jobs in one state, newest first, before the keyset position `beforeId`. */
export async function listJobs(
  db: Executor,
  accountId: number,
  opts: { state: JobState; beforeId: number | null; limit: number },
): Promise<JobView[]> {
  let q = db
    .selectFrom("jobs")
    .select([
      "id",
      "name",
      "state",
      "attempts",
      "max_attempts",
      "payload",
      "last_error",
      "run_at",
      "created_at",
      "finished_at",
    ])
    .where("account_id", "=", accountId)
    .where("state", "=", opts.state);
  if (opts.beforeId !== null) q = q.where("id", "<", opts.beforeId);
  const rows = await q.orderBy("id", "desc").limit(opts.limit).execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    state: r.state as JobState,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    payload: r.payload,
    lastError: r.last_error,
    runAt: r.run_at.toISOString(),
    createdAt: r.created_at.toISOString(),
    finishedAt: r.finished_at?.toISOString() ?? null,
  }));
}
