import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type pg from "pg";
import { createAccountWithOwner } from "../apps/server/src/modules/accounts/accounts.service";
import { BENCH_DATABASE_URL, connectRaw, dropDatabase, openBenchDatabase } from "./bench-db";
import { loadSentences } from "./corpus";
import { documentsFingerprint } from "./documents";
import { loadBodyPool } from "./seed-pools";
import { CONVERSATIONS_PER_CONTACT, dropSecondaryIndexes, fillAccount } from "./seed-sql";
import { verifySample } from "./seed-verify";

/**
 * Seeds the benchmark database: a small and a large account (10 000 and
 * 1 000 000 conversations by default, one inbound message each, a contact per
 * four conversations), an empty account for write benchmarks and one for the
 * floor. Bulk SQL inside one transaction with the secondary indexes dropped
 * and rebuilt. Run: `npx tsx bench/seed.ts [--reset]`.
 */

/** The accounts a benchmark run uses, by role. */
export interface BenchAccounts {
  small: BenchAccount;
  large: BenchAccount;
  write: BenchAccount;
  floor: BenchAccount;
}

/** One seeded account. */
export interface BenchAccount {
  key: keyof BenchAccounts;
  accountId: number;
  ownerId: number;
  conversations: number;
}

/** Password of the seeded owners; the benchmark database holds nothing else. */
export const BENCH_PASSWORD = "bench passphrase not secret";

const KEYS = ["small", "large", "write", "floor"] as const;
/** Distinct two-sentence message bodies to draw from. */
const BODY_POOL = 90_000;

function log(line: string) {
  process.stdout.write(`${line}\n`);
}

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const out = await fn();
  log(`  ${label}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return out;
}

function sizesOf(sizes: { small: number; large: number }): Record<(typeof KEYS)[number], number> {
  return { small: sizes.small, large: sizes.large, write: 0, floor: 0 };
}

/** The account name that says an account is fully seeded, at this size and with today's text folding. */
function marker(key: string, size: number, fingerprint: string): string {
  return `bench:${key}:${size}:${fingerprint}`;
}

/** Today's text folding and schema: when either changes, the next run seeds again. */
function seedFingerprint(): string {
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../apps/server/src/migrations");
  const schema = createHash("sha256");
  for (const file of fs.readdirSync(dir).sort()) {
    if (/^\d{4}_.*\.ts$/.test(file)) schema.update(file).update(fs.readFileSync(path.join(dir, file)));
  }
  return `${documentsFingerprint()}${schema.digest("hex").slice(0, 4)}`;
}

/** Runs CREATE INDEX statements on two connections, the largest tables first. */
async function rebuildIndexes(defs: string[]): Promise<void> {
  const weight = (def: string) =>
    / ON public\.messages /.test(def) ? 0 : / ON public\.conversations /.test(def) ? 1 : 2;
  const queue = [...defs].sort((a, b) => weight(a) - weight(b));
  const worker = async () => {
    const client = await connectRaw();
    try {
      await client.query("set maintenance_work_mem = '1GB'");
      for (let def = queue.shift(); def; def = queue.shift()) await client.query(def);
    } finally {
      await client.end();
    }
  };
  await Promise.all([worker(), worker()]);
}

/** Finds the seeded accounts of the given sizes; null when the database does not hold them all. */
export async function findBenchAccounts(
  client: pg.Client,
  sizes: { small: number; large: number },
): Promise<BenchAccounts | null> {
  const fingerprint = seedFingerprint();
  const rows = await client.query<{ id: number; name: string; owner: number; n: number }>(
    `select a.id::int as id, a.name, a.conversation_seq::int as n,
            (select min(u.id) from users u where u.account_id = a.id and u.role = 'owner')::int as owner
       from accounts a where a.name like 'bench:%'`,
  );
  const found: Partial<BenchAccounts> = {};
  const size = sizesOf(sizes);
  for (const key of KEYS) {
    const row = rows.rows.find((r) => r.name === marker(key, size[key], fingerprint));
    if (!row) return null;
    found[key] = { key, accountId: row.id, ownerId: row.owner, conversations: size[key] };
  }
  return found as BenchAccounts;
}

/** Seeds (or finds already seeded) benchmark accounts; returns them and how long seeding took. */
export async function seed(opts: {
  small: number;
  large: number;
  reset?: boolean;
}): Promise<{ accounts: BenchAccounts; seconds: number | null }> {
  if (!opts.reset) {
    const existing = await connectRaw().catch(() => null);
    if (existing) {
      const found = await findBenchAccounts(existing, opts).catch(() => null);
      await existing.end();
      if (found) return { accounts: found, seconds: null };
    }
  }
  const size = sizesOf(opts);
  log(
    `seeding ${BENCH_DATABASE_URL.replace(/\/\/[^@]*@/, "//")}: ${opts.small} and ${opts.large} conversations`,
  );
  const t0 = performance.now();
  await dropDatabase();
  const handle = await openBenchDatabase();
  const made: Partial<Record<(typeof KEYS)[number], { accountId: number; userId: number }>> = {};
  await timed("accounts and owners", async () => {
    for (const key of KEYS) {
      made[key] = await createAccountWithOwner(handle.db, {
        accountName: `bench:${key}:pending`,
        email: `owner.${key}@bench.khidma.test`,
        name: `Owner ${key}`,
        password: BENCH_PASSWORD,
        language: "ar",
      });
    }
  });
  await handle.close();

  const client = await connectRaw();
  try {
    await client.query("set maintenance_work_mem = '1GB'");
    await client.query("set max_parallel_maintenance_workers = 2");
    await client.query("set synchronous_commit = off");
    await client.query("begin");
    const { sentences, source } = loadSentences();
    log(`  text: ${sentences.length} sentences from ${source}`);
    const pool = await timed(`message pool (${BODY_POOL} bodies, folded by the application's rules)`, () =>
      loadBodyPool(client, sentences, BODY_POOL),
    );
    const indexes = await dropSecondaryIndexes(client);
    for (const key of KEYS) {
      const contacts = Math.max(2, Math.ceil(size[key] / CONVERSATIONS_PER_CONTACT));
      await timed(`${key}: ${size[key]} conversations and messages, ${contacts} contacts`, () =>
        fillAccount(client, { accountId: made[key]!.accountId, key, conversations: size[key] }, pool),
      );
    }
    await client.query("commit");
    // Outside the load's transaction, so two connections can build indexes on
    // both cores; the accounts are marked seeded only once every index exists.
    await timed(`rebuild ${indexes.length} indexes, two at a time`, () => rebuildIndexes(indexes));
    const fingerprint = seedFingerprint();
    for (const key of KEYS) {
      await client.query(`update accounts set name = $2 where id = $1`, [
        made[key]!.accountId,
        marker(key, size[key], fingerprint),
      ]);
    }
    await timed("vacuum analyze", async () => {
      for (const table of [
        "contacts",
        "contact_identifiers",
        "conversations",
        "messages",
        "users",
        "teams",
      ]) {
        await client.query(`vacuum (analyze) ${table}`);
      }
    });
    const seconds = (performance.now() - t0) / 1000;
    const bad = await timed("check a sample against the application's rules", () =>
      verifySample(client, made.large!.accountId),
    );
    log(`  search columns and previews: ${bad === 0 ? "the sample matches" : `${bad} mismatches`}`);
    const accounts = await findBenchAccounts(client, opts);
    if (!accounts) throw new Error("seeded accounts not found");
    log(`seeded in ${seconds.toFixed(0)} s`);
    return { accounts, seconds };
  } finally {
    await client.end();
  }
}

/** Sizes from the environment: BENCH_SMALL (10 000) and BENCH_LARGE (1 000 000). */
export function benchSizes(): { small: number; large: number } {
  return {
    small: Number(process.env.BENCH_SMALL ?? 10_000),
    large: Number(process.env.BENCH_LARGE ?? 1_000_000),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  seed({ ...benchSizes(), reset: process.argv.includes("--reset") })
    .then((r) => {
      if (r.seconds === null) log("already seeded (pass --reset to seed again)");
      process.exit(0);
    })
    .catch((err) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    });
}
