/**
 * Email ingest throughput on PostgreSQL: parse, thread and store every
 * message of the MIME corpus through ingestRawEmail, against its floor,
 * mailparser parsing the same messages alone in the same run. Prints
 * messages per second and the ratio (target ≥ 0.5). Not a test: it never
 * fails on timing.
 *
 *   npx tsx bench/email-ingest.ts
 *
 * BENCH_DATABASE_URL (default the benchmark database), BENCH_EMAIL_ROUNDS
 * (passes over the corpus, default 3), BENCH_EMAIL_CONCURRENCY (messages
 * ingested at once, as concurrent SMTP deliveries would be; default 8).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { simpleParser } from "mailparser";
import type { AppContext } from "../apps/server/src/app";
import { createAccountWithOwner } from "../apps/server/src/modules/accounts/accounts.service";
import { ingestRawEmail } from "../apps/server/src/modules/email/email.ingest";
import { PARSER_OPTIONS as INGEST_PARSER_OPTIONS } from "../apps/server/src/modules/email/email.parse";
import { systemClock } from "../apps/server/src/platform/clock";
import { loadConfig } from "../apps/server/src/platform/config";
import { createHub } from "../apps/server/src/platform/realtime";
import { openBenchDatabase } from "./bench-db";

const here = path.dirname(fileURLToPath(import.meta.url));
const MIME = path.resolve(here, "../../shared/corpora/mime");
const ROUNDS = Number(process.env.BENCH_EMAIL_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_EMAIL_CONCURRENCY ?? 8);

function corpus(): Buffer[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (/\.(eml|txt)$/i.test(e.name)) out.push(full);
    }
  };
  walk(MIME);
  return out.sort().map((f) => fs.readFileSync(f));
}

// Each pass must be new mail, not duplicates: the Message-ID is replaced.
function withMessageId(raw: Buffer, id: string): Buffer {
  const text = raw.toString("latin1");
  const end = text.search(/\r?\n\r?\n/);
  const head = end >= 0 ? text.slice(0, end) : text;
  const rest = end >= 0 ? text.slice(end) : "";
  const cleaned = head.replace(/^message-id:.*(\r?\n[ \t].*)*(\r?\n)?/gim, "");
  return Buffer.from(`Message-ID: <${id}>\r\n${cleaned}${rest}`, "latin1");
}

async function pool<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

async function main(): Promise<void> {
  if (!fs.existsSync(MIME)) {
    console.log(`MIME corpus not found at ${MIME}`);
    return;
  }
  const messages = corpus();
  const handle = await openBenchDatabase();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "khidma-bench-mail-"));
  const config = { ...loadConfig({}), dataDir, secret: "bench" };
  const ctx: AppContext = {
    db: handle.db,
    clock: systemClock,
    config,
    dbKind: handle.kind,
    hub: await createHub({ redisUrl: null }),
  } as AppContext;
  const stamp = Date.now().toString(36);
  const { accountId } = await createAccountWithOwner(handle.db, {
    accountName: `Email bench ${stamp}`,
    email: `bench-${stamp}@bench.test`,
    name: "Bench",
    password: "bench-password-long",
    language: "en",
  });
  const inbox = await handle.db
    .insertInto("inboxes")
    .values({ account_id: accountId, name: "Bench", address: `bench-${stamp}@bench.test` })
    .returning("id")
    .executeTakeFirstOrThrow();

  const rounds = Array.from({ length: ROUNDS }, (_, r) =>
    messages.map((m, i) => withMessageId(m, `bench-${stamp}-${r}-${i}@bench.test`)),
  );
  const all = rounds.flat();
  // Warm up both paths (JIT, connection pool) on one pass that is not counted.
  for (const m of messages) await simpleParser(m);
  await pool(
    messages.map((m, i) => withMessageId(m, `warm-${stamp}-${i}@bench.test`)),
    CONCURRENCY,
    async (raw) => {
      await ingestRawEmail(ctx, { accountId, inboxId: inbox.id, raw, source: "smtp" });
    },
  );

  // Floor and ingest take turns, a pass of each per round, so a slow spell of
  // a noisy machine falls on both rather than on one of them.
  let parseSeconds = 0;
  let leanSeconds = 0;
  let ingestSeconds = 0;
  const statuses: Record<string, number> = {};
  let t = 0;
  for (const round of rounds) {
    t = performance.now();
    for (const raw of round) await simpleParser(raw);
    parseSeconds += (performance.now() - t) / 1000;
    // The same parse with the options ingest uses (no text-to-HTML, no linkify).
    t = performance.now();
    for (const raw of round) await simpleParser(raw, INGEST_PARSER_OPTIONS);
    leanSeconds += (performance.now() - t) / 1000;
    t = performance.now();
    await pool(round, CONCURRENCY, async (raw) => {
      const r = await ingestRawEmail(ctx, { accountId, inboxId: inbox.id, raw, source: "smtp" });
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    });
    ingestSeconds += (performance.now() - t) / 1000;
  }

  t = performance.now();
  const sequential = rounds[0] ?? [];
  const seqIds = sequential.map((m, i) => withMessageId(m, `seq-${stamp}-${i}@bench.test`));
  const each: [number, number][] = [];
  for (const [i, raw] of seqIds.entries()) {
    const s = performance.now();
    await ingestRawEmail(ctx, { accountId, inboxId: inbox.id, raw, source: "smtp" });
    each.push([performance.now() - s, i]);
  }
  const seqSeconds = (performance.now() - t) / 1000;
  if (process.env.BENCH_EMAIL_SLOWEST) {
    each.sort((a, b) => b[0] - a[0]);
    console.log(
      "slowest",
      each
        .slice(0, 8)
        .map(([ms, i]) => `${i}:${ms.toFixed(0)}ms`)
        .join(" "),
    );
    console.log("median", each[Math.floor(each.length / 2)]?.[0].toFixed(1), "ms");
  }

  const parseRate = all.length / parseSeconds;
  const leanRate = all.length / leanSeconds;
  const ingestRate = all.length / ingestSeconds;
  const seqRate = seqIds.length / seqSeconds;
  console.log(`email ingest over the MIME corpus: ${messages.length} messages x ${ROUNDS} passes`, statuses);
  console.log(`  mailparser alone (floor)       ${parseRate.toFixed(1)} messages/s`);
  console.log(
    `  mailparser, ingest's options    ${leanRate.toFixed(1)} messages/s  (ingest ÷ this: ${(all.length / ingestSeconds / leanRate).toFixed(2)})`,
  );
  console.log(
    `  ingest, ${CONCURRENCY} at a time          ${ingestRate.toFixed(1)} messages/s  ratio ${(ingestRate / parseRate).toFixed(2)} (target >= 0.5)`,
  );
  console.log(
    `  ingest, one at a time           ${seqRate.toFixed(1)} messages/s  ratio ${(seqRate / parseRate).toFixed(2)}`,
  );
  await ctx.hub.close();
  await handle.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
