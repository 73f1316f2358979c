import type { Principal } from "../../platform/auth";
import type { Actor } from "../../platform/events";
import { requireMember } from "../../platform/policy";

/** What can be done with contacts. */
export type ContactAction = "read" | "create" | "update";

/**
 * Every role works with the contacts of its own account: agents look
 * customers up and keep their details current while they answer them.
 * Account scoping is enforced by the queries themselves.
 */
export function authorizeContacts(principal: Principal, _action: ContactAction): void {
  requireMember(principal);
}

/** The actor recorded on events for a principal's request. */
export function actorOf(principal: Principal): Actor {
  return { accountId: principal.accountId, userId: principal.userId, tokenId: principal.tokenId };
}
