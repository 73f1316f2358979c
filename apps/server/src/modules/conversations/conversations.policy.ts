import type { Role } from "@khidma/contracts";
import type { Principal } from "../../platform/auth";
import type { Actor } from "../../platform/events";
import { allow, atLeast, requireMember } from "../../platform/policy";

/** What can be done with conversations. */
export type ConversationAction = "read" | "create" | "update" | "assign" | "bulk" | "message";

/** An actor of a conversation change; the role is absent for system work (imports, demo data). */
export type WorkActor = Actor & { role?: Role };

/**
 * Every role reads and works the conversations of its own account, assigns
 * them to itself or to others and changes them in bulk, as in the common help
 * desks. Account scoping is enforced by the queries themselves; the one
 * role rule is about closing, below.
 */
export function authorizeConversations(principal: Principal, _action: ConversationAction): void {
  requireMember(principal);
}

/**
 * Closed is final: moving a conversation into or out of "closed" takes a
 * supervisor or above. Agents solve; supervisors close and reopen closed ones.
 */
export function mayChangeStatus(role: Role | undefined, from: string, to: string): boolean {
  if (role === undefined || from === to) return true;
  if (from === "closed" || to === "closed") return atLeast(role, "supervisor");
  return true;
}

/** Throws 403 unless the actor may move a conversation from one status to another. */
export function authorizeStatusChange(actor: WorkActor, from: string, to: string): void {
  allow(mayChangeStatus(actor.role, from, to));
}

/** The actor recorded on events for a principal's request. */
export function actorOf(principal: Principal): WorkActor {
  return {
    accountId: principal.accountId,
    userId: principal.userId,
    tokenId: principal.tokenId,
    role: principal.role,
  };
}
