import type { Db } from "../../platform/db";
import {
  insertConversationsWithMessages,
  type NewConversation,
  type StoredConversation,
} from "./conversations.repo";

/** Most conversations one statement stores, and most text (characters of subjects and bodies) it carries. */
export const BATCH_MAX_ROWS = 32;
export const BATCH_MAX_TEXT = 256 * 1024;

interface Waiting {
  values: NewConversation;
  text: number;
  resolve(stored: StoredConversation): void;
  reject(err: unknown): void;
}

/**
 * Stores new conversations with at most `concurrency` creating statements of
 * this process running at once. A conversation that comes while they all run waits, and when one
 * ends, everything that waits for the same account goes in one statement
 * (insertConversationsWithMessages). An idle server stores each at once, on
 * its own; a busy one pays a statement's fixed costs once per batch instead
 * of once per conversation, and the database is not handed more work at
 * once than it has cores for.
 *
 * Each conversation's outcome is its own: when the database refuses a
 * batch's statement (say, two of its customers share a new email), every
 * conversation of it is stored again on its own, and only those whose
 * statement fails see an error.
 */
export class CreationBatches {
  private readonly waiting = new Map<number, Waiting[]>();
  private running = 0;

  constructor(
    private readonly db: Db,
    private readonly concurrency: number,
  ) {}

  /** Stores one conversation, alone or with others of the account (see insertConversationsWithMessages). */
  store(accountId: number, values: NewConversation): Promise<StoredConversation> {
    return new Promise((resolve, reject) => {
      let queue = this.waiting.get(accountId);
      if (!queue) {
        queue = [];
        this.waiting.set(accountId, queue);
      }
      queue.push({ values, text: values.subject.length + values.message.body.length, resolve, reject });
      this.pump();
    });
  }

  /** Starts statements while fewer than `concurrency` run, taking the accounts in turn. */
  private pump(): void {
    while (this.running < this.concurrency) {
      const first = this.waiting.entries().next();
      if (first.done) return;
      const [accountId, queue] = first.value;
      const batch: Waiting[] = [];
      let text = 0;
      for (const w of queue) {
        if (batch.length === BATCH_MAX_ROWS || (batch.length > 0 && text + w.text > BATCH_MAX_TEXT)) break;
        batch.push(w);
        text += w.text;
      }
      // The account goes to the back of the line, with what is left of its queue.
      this.waiting.delete(accountId);
      if (batch.length < queue.length) this.waiting.set(accountId, queue.slice(batch.length));
      this.running++;
      void this.run(accountId, batch).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async run(accountId: number, batch: Waiting[]): Promise<void> {
    const store = (list: Waiting[]) =>
      insertConversationsWithMessages(
        this.db,
        accountId,
        list.map((w) => w.values),
      );
    try {
      const stored = await store(batch);
      for (const [i, w] of batch.entries()) w.resolve(stored[i] as StoredConversation);
    } catch (err) {
      // Only a statement the database refused stored nothing and may be
      // retried; after a lost connection it may have committed. A refused
      // batch is stored one by one: the failure may belong to one of them only.
      if (batch.length === 1 || !refusedByDatabase(err)) {
        for (const w of batch) w.reject(err);
        return;
      }
      await Promise.all(
        batch.map((w) => store([w]).then(([stored]) => w.resolve(stored as StoredConversation), w.reject)),
      );
    }
  }
}

/** Whether an error is PostgreSQL's answer to a statement (an SQLSTATE), after which it stored nothing. */
function refusedByDatabase(err: unknown): boolean {
  const e = err as { code?: unknown; severity?: unknown } | null;
  return typeof e?.code === "string" && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.severity === "string";
}
