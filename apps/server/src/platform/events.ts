import type { Executor } from "./db";

/** Who did something: a signed-in user, an API token acting for a user, or the system. */
export interface Actor {
  accountId: number;
  userId: number | null;
  tokenId?: number | null;
}

/** One change, as stored in the events table. */
export interface EventInput {
  type: string;
  subjectType: string;
  subjectId: number | null;
  before?: unknown;
  after?: unknown;
  /** When it happened; the database clock when absent. Services pass their injected clock's time. */
  at?: Date;
}

/**
 * Writes an event row. Call it with the transaction that makes the change, so
 * the change and its event commit or roll back together; the events table is
 * the audit log and the source for live updates, automation and webhooks.
 */
export async function recordEvent(tx: Executor, actor: Actor, event: EventInput): Promise<number> {
  const row = await tx
    .insertInto("events")
    .values({
      account_id: actor.accountId,
      actor_user_id: actor.userId,
      actor_token_id: actor.tokenId ?? null,
      type: event.type,
      subject_type: event.subjectType,
      subject_id: event.subjectId,
      before: event.before === undefined ? null : JSON.stringify(event.before),
      after: event.after === undefined ? null : JSON.stringify(event.after),
      ...(event.at ? { created_at: event.at } : {}),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Keeps only the keys whose values differ, for compact before/after pairs. */
export function diff<T extends Record<string, unknown>>(
  before: T,
  after: Partial<T>,
): { before: Partial<T>; after: Partial<T> } | null {
  const b: Partial<T> = {};
  const a: Partial<T> = {};
  for (const key of Object.keys(after) as (keyof T)[]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      b[key] = before[key];
      a[key] = after[key];
    }
  }
  return Object.keys(a).length ? { before: b, after: a } : null;
}
