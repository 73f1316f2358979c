import type { ConversationDetail, Message } from "@khidma/contracts";
import { call, type TestApp, type TestUser, unique } from "../../test/harness";

/** An error answer, for tests. */
export type ErrorBody = { error: { code: string; message: string } };

/** Opens a conversation through the API with a new customer unless told otherwise. */
export async function openConversation(
  t: TestApp,
  user: TestUser,
  overrides: Record<string, unknown> = {},
): Promise<ConversationDetail> {
  const res = await call<ConversationDetail & ErrorBody>(t.app, {
    method: "POST",
    url: "/api/v1/conversations",
    headers: user.headers,
    payload: {
      subject: "Order has not arrived",
      contact: { name: "Customer", email: `${unique("cust")}@example.test` },
      body: "I ordered last week and nothing has arrived yet.",
      ...overrides,
    },
  });
  if (res.status !== 201) throw new Error(`open failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Posts a reply or note through the API. */
export async function postMessage(
  t: TestApp,
  user: TestUser,
  conversationId: number,
  payload: { body: string; kind: "reply" | "note" },
): Promise<{ status: number; body: Message & ErrorBody }> {
  return call<Message & ErrorBody>(t.app, {
    method: "POST",
    url: `/api/v1/conversations/${conversationId}/messages`,
    headers: user.headers,
    payload,
  });
}

/** Adds a team to an account directly, for assignment tests. */
export async function insertTeam(t: TestApp, accountId: number, name = unique("Team ")): Promise<number> {
  const row = await t.ctx.db
    .insertInto("teams")
    .values({ account_id: accountId, name })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}
