import type pg from "pg";
import { ENGLISH_NAMES, FIRST_NAMES, LAST_NAMES, type Sentence } from "./corpus";
import { contactDocument, conversationDocument, inboxPreview, messageDocument } from "./documents";

/**
 * The text pools the bulk SQL draws from. Every string that ends up in a
 * search column is computed here, in JS, by the application's own functions;
 * SQL only picks pool entries, so the seeded columns are exactly what the
 * application would store, whatever the folding rules are.
 */

const BATCH = 10_000;

/** A multiplicative hash, the same one the SQL uses to pick pool entries. */
export function mix(n: number, salt: number): number {
  return Number((BigInt(n) * 2654435761n + BigInt(salt)) % 4294967291n);
}

/** How many pool entries each language has. */
export interface PoolSizes {
  ar: number;
  en: number;
}

/**
 * Loads the message pool into temp table bench_bodies: two sentences of one
 * language per body (customers rarely write one line), the subject of the
 * first, and the search columns and preview of both.
 */
export async function loadBodyPool(
  client: pg.Client,
  sentences: Sentence[],
  size: number,
): Promise<PoolSizes> {
  const byLang = {
    ar: sentences.filter((s) => s.lang === "ar"),
    en: sentences.filter((s) => s.lang === "en"),
  };
  await client.query(`
    create temp table bench_bodies (
      lang text, k int, subject text, subject_text text, subject_terms text,
      body text, body_text text, body_terms text, preview text, primary key (lang, k))`);
  const counts: PoolSizes = { ar: 0, en: 0 };
  const subjects = new Map<string, { text: string; terms: string }>();
  let rows: string[][] = [];
  const flush = async () => {
    if (rows.length === 0) return;
    const cols = Array.from({ length: 9 }, (_, i) => rows.map((r) => r[i]));
    await client.query(
      `insert into bench_bodies select * from unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[],
         $6::text[], $7::text[], $8::text[], $9::text[])`,
      cols,
    );
    rows = [];
  };
  for (let i = 0; i < size; i++) {
    const lang = i % 3 === 0 ? "en" : "ar";
    const pool = byLang[lang].length ? byLang[lang] : sentences;
    const first = pool[mix(i, 1) % pool.length]!;
    const second = pool[mix(i, 7) % pool.length]!;
    const body = `${first.body} ${second.body}`;
    let subject = subjects.get(first.subject);
    if (!subject) {
      subject = conversationDocument(first.subject);
      subjects.set(first.subject, subject);
    }
    const doc = messageDocument(body);
    rows.push([
      lang,
      String(counts[lang]++),
      first.subject,
      subject.text,
      subject.terms,
      body,
      doc.text,
      doc.terms,
      inboxPreview(body),
    ]);
    if (rows.length === BATCH) await flush();
  }
  await flush();
  // Each entry is used by many rows: parse its terms once here, not once per row.
  await client.query(
    `alter table bench_bodies add column subject_tsv tsvector, add column body_tsv tsvector`,
  );
  await client.query(
    `update bench_bodies set subject_tsv = to_tsvector('simple', subject_terms),
                             body_tsv = to_tsvector('simple', body_terms)`,
  );
  return counts;
}

interface ContactSeed {
  lang: "ar" | "en";
  name: string;
  email: string;
  phone: string | null;
}

function contactNumber(c: number): ContactSeed {
  const lang = c % 3 === 0 ? "en" : "ar";
  if (lang === "en") {
    const name = ENGLISH_NAMES[mix(c, 3) % ENGLISH_NAMES.length]!;
    const latin = name.toLowerCase().replace(" ", ".");
    return { lang, name, email: `${latin}${c}@example.com`, phone: c % 2 === 0 ? phoneOf(c) : null };
  }
  const [firstAr, firstLatin] = FIRST_NAMES[mix(c, 5) % FIRST_NAMES.length]!;
  const [lastAr, lastLatin] = LAST_NAMES[mix(c, 11) % LAST_NAMES.length]!;
  return {
    lang,
    name: `${firstAr} ${lastAr}`,
    email: `${firstLatin}.${lastLatin}${c}@example.com`,
    phone: c % 2 === 0 ? phoneOf(c) : null,
  };
}

function phoneOf(c: number): string {
  return `+9665${String(c).padStart(8, "0")}`;
}

/**
 * Inserts `count` contacts with one email each (and a phone for every other
 * one) into an account, search columns computed by the application's rules,
 * in batches of a single statement each.
 */
export async function insertContacts(
  client: pg.Client,
  accountId: number,
  count: number,
  now: Date,
): Promise<void> {
  for (let start = 1; start <= count; start += BATCH) {
    const batch: (ContactSeed & { text: string; terms: string })[] = [];
    for (let c = start; c < Math.min(count + 1, start + BATCH); c++) {
      const seed = contactNumber(c);
      const doc = contactDocument(seed.name, [seed.email], seed.phone ? [seed.phone] : []);
      batch.push({ ...seed, ...doc });
    }
    // The email is unique in the account, so it ties each new id to its identifiers.
    await client.query(
      `with src as (
         select * from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
           with ordinality as u(lang, name, email, phone, text, terms, ord)
       ), ins as (
         insert into contacts (account_id, name, language, search_text, search_tsv, created_at, updated_at)
         select $1, name, lang, text, to_tsvector('simple', terms),
                $8::timestamptz - ord * interval '1 minute', $8::timestamptz - ord * interval '1 minute'
           from src order by ord
         returning id, search_text
       )
       insert into contact_identifiers (account_id, kind, value, contact_id, position)
       select $1, x.kind, x.value, ins.id, 0
         from ins join src on src.text = ins.search_text
        cross join lateral (values ('email', src.email), ('phone', src.phone)) as x(kind, value)
        where x.value is not null`,
      [
        accountId,
        batch.map((b) => b.lang),
        batch.map((b) => b.name),
        batch.map((b) => b.email),
        batch.map((b) => b.phone),
        batch.map((b) => b.text),
        batch.map((b) => b.terms),
        now,
      ],
    );
  }
}
