import type { Principal } from "../../platform/auth";
import { atLeast, requireMember } from "../../platform/policy";

/** Admins and owners see and revoke every token of the account; others only their own. */
export function managesAllTokens(principal: Principal): boolean {
  return atLeast(principal.role, "admin");
}

/** Whether the caller may see (and so revoke) a token; others' tokens are invisible, not forbidden. */
export function canSeeToken(principal: Principal, token: { user_id: number }): boolean {
  return managesAllTokens(principal) || token.user_id === principal.userId;
}

/**
 * Every signed-in user lists, creates and revokes tokens: their own, or the
 * whole account's for admins and owners (which ones is decided by
 * managesAllTokens and canSeeToken).
 */
export function canUseTokens(principal: Principal): void {
  requireMember(principal);
}
