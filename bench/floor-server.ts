import Fastify from "fastify";
import pg from "pg";
import { defaultPoolSize } from "../apps/server/src/platform/config";
import { normalizeText } from "../apps/server/src/platform/text";

/**
 * The floor: a bare Fastify server doing the least work that can answer the
 * same requests — one INSERT per created conversation, one indexed SELECT per
 * inbox page — on the same database, with no authentication, validation,
 * transaction, events or text folding. Khidma's figures are divided by its.
 * Started as a child process by run.ts: PORT, DATABASE_URL, FLOOR_ACCOUNT,
 * FLOOR_CONTACT. Its pool has as many connections as Khidma's
 * (DATABASE_POOL_SIZE, or the same default).
 */

const INT8 = 20;
const url = process.env.DATABASE_URL ?? "";
const port = Number(process.env.PORT ?? 0);
const floorAccount = Number(process.env.FLOOR_ACCOUNT);
const floorContact = Number(process.env.FLOOR_CONTACT);

const pool = new pg.Pool({
  connectionString: url,
  max: Number(process.env.DATABASE_POOL_SIZE) || defaultPoolSize(),
  // Every floor query has an index to use; with a tsquery parameter the
  // planner sometimes prefers reading all of messages, which is no floor.
  options: "-c enable_seqscan=off",
  types: {
    getTypeParser(oid: number, format?: "text" | "binary") {
      if (oid === INT8) return (v: string) => Number(v);
      return pg.types.getTypeParser(oid, format);
    },
  } as pg.CustomTypesConfig,
});

interface PageRow {
  id: number;
  number: number;
  subject: string;
  status: string;
  priority: string;
  type: string | null;
  channel: string;
  language: string | null;
  assignee_id: number | null;
  team_id: number | null;
  tags: string[];
  contact_id: number;
  contact_name: string;
  preview: string;
  last_message_at: Date;
  created_at: Date;
  updated_at: Date;
}

async function main() {
  const max = await pool.query<{ n: number }>(
    "select coalesce(max(number), 0)::int as n from conversations where account_id = $1",
    [floorAccount],
  );
  let nextNumber = (max.rows[0]?.n ?? 0) + 1_000_000;

  const app = Fastify({ logger: false });

  app.post("/floor/conversations", async (request, reply) => {
    const body = request.body as { subject: string; body: string };
    const number = nextNumber++;
    const res = await pool.query<{ id: number }>(
      `insert into conversations (account_id, number, subject, channel, contact_id, preview, message_count,
          search_text, search_tsv)
       values ($1, $2, $3, 'api', $4, $5, 1, $6, to_tsvector('simple', $6))
       returning id`,
      [
        floorAccount,
        number,
        body.subject,
        floorContact,
        body.body.slice(0, 200),
        `${body.subject} ${body.body}`,
      ],
    );
    return reply.code(201).send({ id: res.rows[0]?.id, number });
  });

  app.get("/floor/conversations", async (request) => {
    const q = request.query as { account: string; cursor?: string; status?: string; limit?: string };
    const limit = Math.min(100, Number(q.limit ?? 25));
    const params: unknown[] = [Number(q.account)];
    let where = "c.account_id = $1";
    if (q.status) {
      params.push(q.status);
      where += ` and c.status = $${params.length}`;
    }
    if (q.cursor) {
      const [at, id] = JSON.parse(Buffer.from(q.cursor, "base64url").toString()) as [string, number];
      params.push(at, id);
      where += ` and (c.last_message_at, c.id) < ($${params.length - 1}::timestamptz, $${params.length})`;
    }
    const res = await pool.query<PageRow>(
      `select c.id, c.number, c.subject, c.status, c.priority, c.type, c.channel, c.language, c.assignee_id,
              c.team_id, c.tags, c.contact_id, k.name as contact_name, c.preview, c.last_message_at,
              c.created_at, c.updated_at
         from conversations c
         join contacts k on k.account_id = c.account_id and k.id = c.contact_id
        where ${where}
        order by c.last_message_at desc, c.id desc
        limit ${limit + 1}`,
      params,
    );
    const rows = res.rows.slice(0, limit);
    const last = rows.at(-1);
    return {
      items: rows.map((r) => ({
        id: r.id,
        number: r.number,
        subject: r.subject,
        status: r.status,
        priority: r.priority,
        type: r.type,
        channel: r.channel,
        language: r.language,
        assigneeId: r.assignee_id,
        teamId: r.team_id,
        tags: r.tags,
        contact: { id: r.contact_id, name: r.contact_name },
        preview: r.preview,
        lastMessageAt: r.last_message_at.toISOString(),
        createdAt: r.created_at.toISOString(),
        updatedAt: r.updated_at.toISOString(),
      })),
      nextCursor:
        res.rows.length > limit && last
          ? Buffer.from(JSON.stringify([last.last_message_at.toISOString(), last.id])).toString("base64url")
          : null,
    };
  });

  // One full-text query over messages through the GIN index, words matched
  // as prefixes; no ranking, so PostgreSQL may stop at the 20th match.
  app.get("/floor/search", async (request) => {
    const q = request.query as { account: string; q: string };
    const words = normalizeText(q.q)
      .split(/\s+/)
      .filter((w) => /^[\p{L}\p{N}]+$/u.test(w));
    const res = await pool.query<{ conversation_id: number; id: number }>(
      `select conversation_id, id from messages
        where account_id = $1 and search_tsv @@ to_tsquery('simple', $2)
        limit 20`,
      [Number(q.account), words.map((w) => `${w}:*`).join(" & ")],
    );
    return { items: res.rows };
  });

  app.get("/health", async () => ({ status: "ok" }));
  await app.listen({ port, host: "127.0.0.1" });
  process.stdout.write(`floor listening on ${port}\n`);
  const stop = async () => {
    await app.close();
    await pool.end();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
