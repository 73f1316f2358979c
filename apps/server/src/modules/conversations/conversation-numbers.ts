import type { Executor } from "../../platform/db";
import { reserveConversationNumbers } from "./conversations.repo";

// Per database handle (one per server process or test app), then per account.
const byDatabase = new WeakMap<object, Map<number, Block>>();

interface Block {
  /** The next number to hand out, and the last one reserved. */
  next: number;
  last: number;
  /** How many the last reservation took, and when. */
  size: number;
  at: number;
  /** A reservation in flight, which concurrent callers wait for. */
  pending: Promise<void> | null;
}

const MAX_BLOCK = 64;
const BUSY_MS = 1_000;

/**
 * The account's next conversation number. An account that opens
 * conversations one at a time takes each number in its own short statement;
 * one that opens them faster than one a second reserves them in blocks that
 * double up to 64, so a busy account's creations cost no extra round trip.
 * Numbers stay unique and, on one node, rising; a restart or a second node
 * leaves gaps and interleaves, as a database sequence's cache would.
 */
export async function takeConversationNumber(db: Executor, accountId: number): Promise<number> {
  let blocks = byDatabase.get(db);
  if (!blocks) {
    blocks = new Map();
    byDatabase.set(db, blocks);
  }
  let block = blocks.get(accountId);
  if (!block) {
    block = { next: 1, last: 0, size: 0, at: 0, pending: null };
    blocks.set(accountId, block);
  }
  for (;;) {
    if (block.next <= block.last) return block.next++;
    if (block.pending) {
      // One reservation at a time per account; the others take from what it brings.
      await block.pending.catch(() => {});
      continue;
    }
    const state = block;
    const now = Date.now();
    const size = now - state.at < BUSY_MS ? Math.min(MAX_BLOCK, Math.max(1, state.size * 2)) : 1;
    let mine = 0;
    state.pending = reserveConversationNumbers(db, accountId, size)
      .then((last) => {
        // The caller that reserved takes the first number; the rest wait in the block.
        mine = last - size + 1;
        state.next = mine + 1;
        state.last = last;
        state.size = size;
        state.at = now;
      })
      .finally(() => {
        state.pending = null;
      });
    await state.pending;
    return mine;
  }
}
