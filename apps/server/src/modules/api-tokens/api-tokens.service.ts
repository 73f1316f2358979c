import type { ApiToken } from "@khidma/contracts";
import type { AppContext } from "../../app";
import { API_TOKEN_PREFIX, forgetCachedPrincipals, type Principal } from "../../platform/auth";
import type { Executor } from "../../platform/db";
import { AppError } from "../../platform/errors";
import { recordEvent } from "../../platform/events";
import { hashToken, makeAccountToken } from "../../platform/tokens";
import { canSeeToken, canUseTokens, managesAllTokens } from "./api-tokens.policy";
import {
  findTokenForUpdate,
  insertToken,
  listTokens as listTokenRows,
  revokeToken as revokeTokenRow,
  revokeUserTokens,
} from "./api-tokens.repo";

// Enough of the secret to tell tokens apart, far too little to guess the rest.
const SHOWN_SECRET_CHARS = 6;

type TokenRow = {
  id: number;
  name: string;
  prefix: string;
  user_id: number;
  last_used_at: Date | null;
  created_at: Date;
};

function toApiToken(row: TokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    userId: row.user_id,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

/** The caller's live tokens, or every live token of the account for admins and owners. */
export async function listApiTokens(ctx: AppContext, principal: Principal): Promise<ApiToken[]> {
  canUseTokens(principal);
  const rows = await listTokenRows(
    ctx.db,
    principal.accountId,
    managesAllTokens(principal) ? null : principal.userId,
  );
  return rows.map(toApiToken);
}

/** Creates a token for the caller; the token itself is returned once and stored only as a hash. */
export async function createApiToken(
  ctx: AppContext,
  principal: Principal,
  name: string,
): Promise<{ apiToken: ApiToken; token: string }> {
  canUseTokens(principal);
  const token = makeAccountToken(API_TOKEN_PREFIX, principal.accountId);
  const prefix = token.slice(0, `${API_TOKEN_PREFIX}_${principal.accountId}_`.length + SHOWN_SECRET_CHARS);
  return ctx.db.transaction().execute(async (tx) => {
    const row = await insertToken(tx, {
      accountId: principal.accountId,
      userId: principal.userId,
      name: name.trim(),
      tokenHash: hashToken(token),
      prefix,
      now: ctx.clock.now(),
    });
    await recordEvent(tx, principal, {
      type: "api_token.created",
      subjectType: "api_token",
      subjectId: row.id,
      after: { name: row.name, prefix, userId: row.user_id },
    });
    return { apiToken: toApiToken(row), token };
  });
}

/** Revokes a token the caller may see; 404 for any other. Revoking twice is harmless. */
export async function revokeApiToken(ctx: AppContext, principal: Principal, id: number): Promise<void> {
  canUseTokens(principal);
  const revoked = await ctx.db.transaction().execute(async (tx) => {
    const row = await findTokenForUpdate(tx, principal.accountId, id);
    if (!row || !canSeeToken(principal, row)) throw new AppError("not_found", { resource: "resource.token" });
    if (row.revoked_at) return false;
    await revokeTokenRow(tx, principal.accountId, id, ctx.clock.now());
    await recordEvent(tx, principal, {
      type: "api_token.revoked",
      subjectType: "api_token",
      subjectId: id,
      before: { name: row.name, prefix: row.prefix, userId: row.user_id },
    });
    return true;
  });
  if (revoked) await forgetCachedPrincipals(ctx.hub);
}

/** Revokes every token of a user in the caller's transaction (e.g. when the user is disabled). */
export function revokeTokensOfUser(
  tx: Executor,
  accountId: number,
  userId: number,
  now: Date,
): Promise<number> {
  return revokeUserTokens(tx, accountId, userId, now);
}
