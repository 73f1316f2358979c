import type pg from "pg";
import { contactDocument, conversationDocument, inboxPreview, messageDocument } from "./documents";

interface SampleRow {
  id: number;
  search_text: string;
  a: string;
  b: string[] | null;
  c: string[] | null;
  preview: string | null;
  body: string | null;
}

interface Check {
  table: string;
  query: string;
  docOf: (r: SampleRow) => { text: string; terms: string };
}

const CHECKS: Check[] = [
  {
    table: "messages",
    query: `select id, search_text, body as a, null as b, null as c, null as preview, null as body
              from messages where account_id = $1 order by random() limit $2`,
    docOf: (r) => messageDocument(r.a),
  },
  {
    table: "conversations",
    query: `select c.id, c.search_text, c.subject as a, null as b, null as c, c.preview,
                   (select m.body from messages m where m.account_id = c.account_id and m.conversation_id = c.id
                     order by m.id limit 1) as body
              from conversations c where c.account_id = $1 order by random() limit $2`,
    docOf: (r) => conversationDocument(r.a),
  },
  {
    table: "contacts",
    query: `select k.id, k.search_text, k.name as a,
                   coalesce(array_agg(i.value order by i.position, i.value) filter (where i.kind = 'email'), '{}') as b,
                   coalesce(array_agg(i.value order by i.position, i.value) filter (where i.kind = 'phone'), '{}') as c,
                   null as preview, null as body
              from (select * from contacts where account_id = $1 order by random() limit $2) k
              left join contact_identifiers i on i.account_id = k.account_id and i.contact_id = k.id
             group by k.id, k.search_text, k.name`,
    docOf: (r) => contactDocument(r.a, r.b ?? [], r.c ?? []),
  },
];

/**
 * Checks a random sample of seeded rows against what the application would
 * store for them (search text, search terms, inbox preview); returns the
 * number of mismatches and prints the first few.
 */
export async function verifySample(client: pg.Client, accountId: number, size = 200): Promise<number> {
  let bad = 0;
  const report = (line: string) => {
    bad++;
    if (bad <= 3) process.stdout.write(`  mismatch: ${line}\n`);
  };
  for (const check of CHECKS) {
    const rows = await client.query<SampleRow>(check.query, [accountId, size]);
    for (const row of rows.rows) {
      const doc = check.docOf(row);
      const tsv = await client.query<{ ok: boolean }>(
        `select strip(search_tsv) = strip(to_tsvector('simple', $3)) as ok from ${check.table}
          where account_id = $1 and id = $2`,
        [accountId, row.id, doc.terms],
      );
      if (row.search_text !== doc.text)
        report(`${check.table} ${row.id} text "${row.search_text}" ≠ "${doc.text}"`);
      if (tsv.rows[0]?.ok !== true) report(`${check.table} ${row.id} terms differ from "${doc.terms}"`);
      if (row.body !== null && row.preview !== inboxPreview(row.body)) {
        report(`${check.table} ${row.id} preview "${row.preview}" ≠ "${inboxPreview(row.body)}"`);
      }
    }
  }
  return bad;
}
