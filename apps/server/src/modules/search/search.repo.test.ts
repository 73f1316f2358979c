import type { ConversationDetail } from "@khidma/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { searchQuery } from "../../platform/text";
import {
  call,
  createAccount,
  createTestApp,
  type TestApp,
  type TestUser,
  testDatabase,
  unique,
} from "../../test/harness";
import { newestMatches, type SearchFilter } from "./search.repo";

describe(`search repository (${testDatabase})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  async function open(user: TestUser, subject: string, body: string): Promise<ConversationDetail> {
    const res = await call<ConversationDetail>(t.app, {
      method: "POST",
      url: "/api/v1/conversations",
      headers: user.headers,
      payload: { subject, body, contact: { name: "Customer", email: `${unique("c")}@example.test` } },
    });
    if (res.status !== 201) throw new Error(`open: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  function words(q: string): SearchFilter {
    return { words: searchQuery(q).tsquery, prefix: null, fragments: [] };
  }

  it("finds matches older than the walked rows through the index, newest first", async () => {
    const owner = await createAccount(t.ctx);
    const old = await open(owner, "Tariff question", "Which tariff applies to me?");
    const older = await open(owner, "Another tariff", "The tariff changed");
    for (let i = 0; i < 8; i++) await open(owner, `Filler ${i}`, "Nothing to see here");
    const filter = words("tariff");
    const ids = (hits: { id: number }[]) => hits.map((h) => h.id);

    const walkedOnly = await newestMatches(t.ctx.db, "conversations", owner.accountId, filter, 4);
    expect(ids(walkedOnly)).toEqual([older.id, old.id]);
    const everything = await newestMatches(t.ctx.db, "conversations", owner.accountId, filter);
    expect(ids(everything)).toEqual(ids(walkedOnly));

    const fragments = { words: null, prefix: null, fragments: ["arif"] };
    expect(ids(await newestMatches(t.ctx.db, "conversations", owner.accountId, fragments, 3))).toEqual([
      older.id,
      old.id,
    ]);
  });

  it("joins the matches of the walk with the older ones", async () => {
    const owner = await createAccount(t.ctx);
    const opened: number[] = [];
    for (let i = 0; i < 3; i++) opened.push((await open(owner, `Parcel ${i}`, "Parcel late")).id);
    const hits = await newestMatches(t.ctx.db, "conversations", owner.accountId, words("parcel"), 2);
    expect(hits.map((h) => h.id)).toEqual(opened.reverse());
  });

  it("reads only the given account's rows", async () => {
    const mine = await createAccount(t.ctx);
    const theirs = await createAccount(t.ctx);
    const word = `quasar${Date.now().toString(36)}`;
    await open(theirs, `About ${word}`, `${word} body`);
    for (let i = 0; i < 3; i++) await open(mine, `Filler ${i}`, "Nothing");
    expect(await newestMatches(t.ctx.db, "conversations", mine.accountId, words(word), 1)).toEqual([]);
    expect(await newestMatches(t.ctx.db, "messages", mine.accountId, words(word), 1)).toEqual([]);
  });
});
