import type { ImapFlow as ImapClient } from "imapflow";
import type { AppContext } from "../../app";
import { decryptSecret } from "../../platform/crypto";
import { lazyPackage } from "../../platform/lazy";
import { type ImapState, type InboxRow, imapInboxes, saveImapState } from "../inboxes/inboxes.service";
import { ingestRawEmail } from "./email.ingest";

const imapflow = lazyPackage<typeof import("imapflow")>("imapflow");

interface Log {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** Timings of the fetcher; tests shorten them. */
export interface ImapFetcherOptions {
  log?: Log;
  /** How often a mailbox is checked even when IDLE reports nothing (servers without IDLE, lost notifications). */
  pollMs?: number;
  /** How often the list of inboxes is re-read, to follow admins' changes. */
  rescanMs?: number;
  /** First and largest wait after a failure. */
  backoffMs?: [number, number];
}

/** A running fetcher. */
export interface ImapFetcher {
  stop(): Promise<void>;
  /** Resolves after the next complete pass over every mailbox (for tests). */
  idle(): Promise<void>;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });

function settingsKey(row: InboxRow): string {
  return JSON.stringify([row.account_id, row.id, row.imap]);
}

/**
 * Fetches mail from every inbox with IMAP settings, one connection per
 * mailbox: new messages (by UID, from where it left off; all again when the
 * mailbox's UIDVALIDITY changed) are ingested, and each is marked \Seen only
 * after ingest committed it. Between passes it waits for the server's IDLE
 * news or the poll interval, whichever comes first. Errors are recorded in
 * the inbox's imap_state and retried with growing backoff.
 */
export function startImapFetcher(ctx: AppContext, opts: ImapFetcherOptions = {}): ImapFetcher {
  const pollMs = opts.pollMs ?? 60_000;
  const rescanMs = opts.rescanMs ?? 30_000;
  const [backoffMin, backoffMax] = opts.backoffMs ?? [5_000, 300_000];
  const stopAll = new AbortController();
  const running = new Map<string, { stop: AbortController; done: Promise<void> }>();
  let passWaiters: (() => void)[] = [];

  const notifyPass = () => {
    const waiters = passWaiters;
    passWaiters = [];
    for (const w of waiters) w();
  };

  async function runMailbox(inbox: InboxRow, signal: AbortSignal): Promise<void> {
    let failures = 0;
    let state: ImapState = inbox.imap_state ?? {
      uidValidity: null,
      lastUid: 0,
      lastError: null,
      lastPollAt: null,
    };
    while (!signal.aborted) {
      const imap = inbox.imap;
      if (!imap) return;
      let pass: string;
      try {
        pass = imap.passwordEnc ? decryptSecret(ctx.config, imap.passwordEnc) : "";
      } catch {
        // Sealed with another key (KHIDMA_SECRET changed, or another node's key file):
        // say so on the inbox and try again later, without stopping the other inboxes.
        failures += 1;
        state = {
          ...state,
          lastError: "the mailbox password cannot be decrypted with this server's KHIDMA_SECRET",
          lastPollAt: ctx.clock.now().toISOString(),
        };
        await saveImapState(ctx.db, inbox.account_id, inbox.id, state).catch(() => {});
        notifyPass();
        await sleep(Math.min(backoffMax, backoffMin * 2 ** (failures - 1)), signal);
        continue;
      }
      const { ImapFlow } = imapflow();
      const client = new ImapFlow({
        host: imap.host,
        port: imap.port,
        secure: imap.secure,
        auth: {
          user: imap.user ?? "",
          pass,
        },
        logger: false,
        autoIdleDelay: 1000,
        clientInfo: { name: "Khidma" },
      });
      client.on("error", () => {
        // Reported by the failing command below; without a listener it would crash the process.
      });
      const wake = new AbortController();
      client.on("exists", () => wake.abort());
      try {
        await client.connect();
        const mailbox = await client.mailboxOpen(imap.mailbox);
        const validity = String(mailbox.uidValidity);
        if (state.uidValidity !== validity) {
          // A new UIDVALIDITY renumbers the mailbox: read it all again; Message-IDs keep it to one copy.
          state = { ...state, uidValidity: validity, lastUid: 0 };
        }
        while (!signal.aborted && client.usable) {
          state = await fetchNew(ctx, client, inbox, state);
          failures = 0;
          state = { ...state, lastError: null, lastPollAt: ctx.clock.now().toISOString() };
          await saveImapState(ctx.db, inbox.account_id, inbox.id, state);
          notifyPass();
          const waitWake = new AbortController();
          const onWake = () => waitWake.abort();
          wake.signal.addEventListener("abort", onWake);
          signal.addEventListener("abort", onWake);
          await sleep(pollMs, waitWake.signal);
        }
      } catch (err) {
        if (signal.aborted) break;
        failures += 1;
        state = {
          ...state,
          lastError: String((err as Error).message ?? err).slice(0, 500),
          lastPollAt: ctx.clock.now().toISOString(),
        };
        await saveImapState(ctx.db, inbox.account_id, inbox.id, state).catch(() => {});
        opts.log?.warn({ err, inboxId: inbox.id }, "imap: fetching failed; retrying");
        notifyPass();
        await sleep(Math.min(backoffMax, backoffMin * 2 ** (failures - 1)), signal);
      } finally {
        await client.logout().catch(() => client.close());
      }
    }
  }

  async function rescan(): Promise<void> {
    const rows = await imapInboxes(ctx.db);
    const wanted = new Map(rows.map((r) => [settingsKey(r), r]));
    for (const [key, run] of running) {
      if (!wanted.has(key)) {
        run.stop.abort();
        running.delete(key);
      }
    }
    for (const [key, row] of wanted) {
      if (running.has(key)) continue;
      const stop = new AbortController();
      const signal = AbortSignal.any([stop.signal, stopAll.signal]);
      running.set(key, { stop, done: runMailbox(row, signal) });
    }
    if (rows.length === 0) notifyPass();
  }

  const loop = (async () => {
    while (!stopAll.signal.aborted) {
      await rescan().catch((err: unknown) => opts.log?.warn({ err }, "imap: reading inboxes failed"));
      await sleep(rescanMs, stopAll.signal);
    }
  })();

  return {
    async stop() {
      stopAll.abort();
      await loop;
      await Promise.all([...running.values()].map((r) => r.done));
      notifyPass();
    },
    idle: () => new Promise<void>((resolve) => passWaiters.push(resolve)),
  };
}

// UIDs first, then one message at a time: imapflow cannot run a command
// (the \Seen store) while a FETCH is still streaming.
async function fetchNew(
  ctx: AppContext,
  client: ImapClient,
  inbox: InboxRow,
  start: ImapState,
): Promise<ImapState> {
  let state = start;
  const uids = ((await client.search({ uid: `${state.lastUid + 1}:*` }, { uid: true })) || [])
    .filter((uid) => uid > state.lastUid)
    .sort((a, b) => a - b);
  for (const uid of uids) {
    const message = await client.fetchOne(String(uid), { source: true, uid: true }, { uid: true });
    const source = message ? message.source : undefined;
    if (!source) continue;
    const result = await ingestRawEmail(ctx, {
      accountId: inbox.account_id,
      inboxId: inbox.id,
      raw: source,
      source: "imap",
    });
    // Committed (or known, or refused for good): only now is it marked read and passed.
    await client.messageFlagsAdd(String(uid), ["\\Seen"], { uid: true });
    state = {
      ...state,
      lastUid: uid,
      ...(result.status === "rejected" ? { lastError: `refused uid ${uid}: ${result.reason}` } : {}),
    };
    await saveImapState(ctx.db, inbox.account_id, inbox.id, state);
  }
  return state;
}
