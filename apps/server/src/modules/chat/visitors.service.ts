import { createHmac } from "node:crypto";
import type { VisitorSession } from "@khidma/contracts";
import type { AppContext } from "../../app";
import { AppError } from "../../platform/errors";
import type { Actor } from "../../platform/events";
import { recordEvent } from "../../platform/events";
import { hashToken, makeAccountToken, parseAccountToken, safeEqual } from "../../platform/tokens";
import { findOrCreateContact, insertContactIn } from "../contacts/contacts.service";
import {
  findIdentity,
  findVisitorByToken,
  hasIdentity,
  insertIdentity,
  insertVisitor,
  updateVisitorRow,
  type VisitorRow,
} from "./chat.repo";
import type { WidgetRow } from "./widgets.repo";
import { identitySecretOf } from "./widgets.service";

/** Prefix of visitor tokens: `kv_<account>_<secret>`. */
export const VISITOR_TOKEN_PREFIX = "kv";
/** How long a visitor token lives without use; each new page load renews it. */
export const VISITOR_TTL_MS = 30 * 24 * 3600 * 1000;

/** A visitor with the widget it belongs to. */
export interface VisitorContext {
  widget: WidgetRow;
  visitor: VisitorRow;
}

/** The actor recorded on events a visitor causes (no user). */
export function visitorActor(visitor: { account_id: number }): Actor {
  return { accountId: visitor.account_id, userId: null };
}

/** The visitor's session as the widget sees it. */
export function presentSession(visitor: VisitorRow, token: string, verified: boolean): VisitorSession {
  return {
    token,
    expiresAt: visitor.expires_at.toISOString(),
    conversationId: visitor.conversation_id,
    known: visitor.contact_id !== null,
    verified,
    agentReadSeq: visitor.agent_read_seq,
  };
}

/** The 401 a visitor gets for a missing, forged, expired or foreign token (translated by the chat routes). */
export function invalidToken(): AppError {
  return new AppError("unauthorized", {}, "chat.token_invalid");
}

/**
 * The visitor a token names for a widget, or null: unknown, forged and
 * expired tokens, and tokens of another widget, are all the same "no".
 */
export async function visitorByToken(
  ctx: AppContext,
  widget: WidgetRow,
  token: string,
): Promise<VisitorRow | null> {
  const parsed = parseAccountToken(VISITOR_TOKEN_PREFIX, token);
  if (!parsed || parsed.accountId !== widget.account_id) return null;
  const row = await findVisitorByToken(ctx.db, widget.account_id, hashToken(token));
  if (!row || row.widget_id !== widget.id || row.expires_at <= ctx.clock.now()) return null;
  return row;
}

/**
 * Starts or resumes a visitor session. A valid token of this widget is kept
 * and its expiry pushed back; anything else gets a new visitor and token.
 */
export async function openVisitorSession(
  ctx: AppContext,
  widget: WidgetRow,
  token: string | undefined,
): Promise<{ visitor: VisitorRow; token: string; created: boolean }> {
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + VISITOR_TTL_MS);
  if (token) {
    const existing = await visitorByToken(ctx, widget, token);
    if (existing) {
      await updateVisitorRow(ctx.db, widget.account_id, existing.id, {
        expires_at: expiresAt,
        last_seen_at: now,
      });
      return { visitor: { ...existing, expires_at: expiresAt, last_seen_at: now }, token, created: false };
    }
  }
  const fresh = makeAccountToken(VISITOR_TOKEN_PREFIX, widget.account_id);
  const visitor = await ctx.db.transaction().execute(async (tx) => {
    const row = await insertVisitor(tx, widget.account_id, {
      widgetId: widget.id,
      tokenHash: hashToken(fresh),
      expiresAt,
      at: now,
    });
    await recordEvent(tx, visitorActor(row), {
      type: "visitor.created",
      subjectType: "visitor",
      subjectId: row.id,
      after: { widgetId: widget.id },
      at: now,
    });
    return row;
  });
  return { visitor, token: fresh, created: true };
}

/** HMAC-SHA256 of a host's user id with the widget's secret, hex: what the host computes on its server. */
export function identityHmac(secret: string, userId: string): string {
  return createHmac("sha256", secret).update(userId, "utf8").digest("hex");
}

/**
 * Joins a visitor to the contact of a host's user id, only when the HMAC
 * the host computed with the widget's secret matches. The first verified
 * visit makes the contact (by the email the host passes, when it names one)
 * and remembers the user id; later visits find it.
 */
export async function identifyVisitor(
  ctx: AppContext,
  { widget, visitor }: VisitorContext,
  input: { userId: string; hmac: string; name?: string | undefined; email?: string | undefined },
): Promise<VisitorRow> {
  const expected = identityHmac(identitySecretOf(ctx, widget), input.userId);
  if (!safeEqual(expected, input.hmac.toLowerCase())) {
    throw new AppError("forbidden", {}, "chat.identity_invalid");
  }
  const actor = visitorActor(visitor);
  const contactId = await ctx.db.transaction().execute(async (tx) => {
    const at = ctx.clock.now();
    let id = await findIdentity(tx, widget.account_id, input.userId);
    if (id === undefined) {
      const name = input.name?.trim() || input.email?.trim() || input.userId;
      const contact = input.email
        ? (await findOrCreateContact(tx, actor, at, { name, email: input.email, language: null })).contact
        : await insertContactIn(tx, actor, at, { name, attributes: { externalId: input.userId } });
      await insertIdentity(tx, widget.account_id, input.userId, contact.id);
      id = (await findIdentity(tx, widget.account_id, input.userId)) ?? contact.id;
    }
    await updateVisitorRow(tx, widget.account_id, visitor.id, { contact_id: id });
    await recordEvent(tx, actor, {
      type: "visitor.identified",
      subjectType: "visitor",
      subjectId: visitor.id,
      after: { contactId: id, userId: input.userId },
      at,
    });
    return id;
  });
  return { ...visitor, contact_id: contactId };
}

/** Whether a visitor's contact was verified by the host (it has a chat identity). */
export async function isVerified(ctx: AppContext, visitor: VisitorRow): Promise<boolean> {
  if (visitor.contact_id === null) return false;
  return hasIdentity(ctx.db, visitor.account_id, visitor.contact_id);
}
