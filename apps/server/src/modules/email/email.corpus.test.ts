import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { corpusPath } from "../../test/corpora";
import { createAccount, createTestApp, type TestApp, testDatabase } from "../../test/harness";
import { ingestRawEmail } from "./email.ingest";
import { createEmailInbox } from "./email.test-support";

const MIME = corpusPath("mime");
const present = fs.existsSync(MIME);
if (!present) console.log(`MIME corpus not found at ${MIME}: corpus tests skipped`);

/** Every message file of the corpus (.eml, and the .txt messages of the torture set). */
export function corpusMessages(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(eml|txt)$/i.test(entry.name)) out.push(full);
    }
  };
  walk(root);
  return out.sort();
}

interface Expected {
  subject?: string;
  text?: string;
  visible_reply?: string;
  from_name?: string;
  html_contains?: string;
  attachments?: string[];
  inline?: { cid: string; filename: string }[];
}

describe.skipIf(!present)(`MIME corpus (${testDatabase})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it("ingests every message without throwing: stored, duplicate or refused with a reason", async () => {
    const owner = await createAccount(t.ctx);
    const inbox = await createEmailInbox(t, owner);
    const files = corpusMessages(MIME);
    expect(files.length).toBeGreaterThan(150);
    const counts: Record<string, number> = {};
    for (const file of files) {
      const result = await ingestRawEmail(t.ctx, {
        recipient: inbox.address,
        raw: fs.readFileSync(file),
        source: "smtp",
      }).catch((err: Error) => {
        throw new Error(`${path.relative(MIME, file)}: ${err.message}`);
      });
      const key = result.status === "rejected" ? `rejected:${result.reason}` : result.status;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    console.log(`MIME corpus: ${files.length} messages`, counts);
    expect((counts.stored ?? 0) + (counts.duplicate ?? 0)).toBeGreaterThan(files.length * 0.9);
  }, 600_000);

  it("decodes the Arabic synthetic messages as expected.json says", async () => {
    const dir = path.join(MIME, "arabic/synthetic");
    const expected = JSON.parse(fs.readFileSync(path.join(dir, "expected.json"), "utf8")) as Record<
      string,
      Expected
    >;
    expect(Object.keys(expected).length).toBeGreaterThan(3);
    for (const [name, want] of Object.entries(expected)) {
      const owner = await createAccount(t.ctx);
      const inbox = await createEmailInbox(t, owner);
      const result = await ingestRawEmail(t.ctx, {
        recipient: inbox.address,
        raw: fs.readFileSync(path.join(dir, `${name}.eml`)),
        source: "imap",
      });
      expect(result.status, name).toBe("stored");
      const conversation = await t.ctx.db
        .selectFrom("conversations as c")
        .innerJoin("contacts as ct", (j) =>
          j.onRef("ct.account_id", "=", "c.account_id").onRef("ct.id", "=", "c.contact_id"),
        )
        .select(["c.subject", "ct.name"])
        .where("c.account_id", "=", owner.accountId)
        .where("c.id", "=", result.conversationId as number)
        .executeTakeFirstOrThrow();
      const message = await t.ctx.db
        .selectFrom("messages")
        .select(["body", "html"])
        .where("account_id", "=", owner.accountId)
        .where("id", "=", result.messageId as number)
        .executeTakeFirstOrThrow();
      const files = await t.ctx.db
        .selectFrom("attachments")
        .select(["filename", "content_id", "inline"])
        .where("account_id", "=", owner.accountId)
        .where("message_id", "=", result.messageId as number)
        .orderBy("id")
        .execute();
      if (want.subject) expect(conversation.subject, name).toBe(want.subject);
      if (want.from_name) expect(conversation.name, name).toBe(want.from_name);
      if (want.text) expect(message.body, name).toBe(want.text.trim());
      if (want.visible_reply) expect(message.body, name).toBe(want.visible_reply);
      if (want.html_contains) expect(message.html ?? "", name).toContain(want.html_contains);
      if (want.attachments) {
        expect(
          files.filter((f) => !f.inline).map((f) => f.filename),
          name,
        ).toEqual(want.attachments);
      }
      for (const inline of want.inline ?? []) {
        expect(files, name).toContainEqual({
          filename: inline.filename,
          content_id: inline.cid,
          inline: true,
        });
      }
    }
  });
});
