import { AsyncLocalStorage } from "node:async_hooks";
import type { Role } from "@khidma/contracts";
import type { Principal } from "./auth";
import { AppError } from "./errors";

const RANK: Record<Role, number> = { agent: 1, supervisor: 2, admin: 3, owner: 4 };

/** Whether some policy function ran for the request being handled (see policy-guard.ts). */
export interface PolicyState {
  checked: boolean;
}

const policyScope = new AsyncLocalStorage<PolicyState>();

/** Runs a request's handling in a scope where policy checks are noted in `state`. */
export function runInPolicyScope(state: PolicyState, work: () => void): void {
  policyScope.run(state, work);
}

// Every check notes itself, whatever its outcome, so the guard can tell a
// route that decided who may call it from one that forgot to.
function noteCheck(): void {
  const state = policyScope.getStore();
  if (state) state.checked = true;
}

/** Whether a role is at least another (owner > admin > supervisor > agent). */
export function atLeast(role: Role, minimum: Role): boolean {
  return RANK[role] >= RANK[minimum];
}

/** Throws 403 unless the principal's role is at least the minimum. */
export function requireRole(principal: Principal, minimum: Role): void {
  noteCheck();
  if (!(RANK[principal.role] >= RANK[minimum])) throw new AppError("forbidden");
}

/**
 * The check of routes open to everyone in the account: throws 403 unless the
 * principal is a signed-in member (a user of an account, with a known role).
 */
export function requireMember(principal: Principal): void {
  requireRole(principal, "agent");
  if (!(principal.accountId > 0 && principal.userId > 0)) throw new AppError("forbidden");
}

/** Throws 403 unless the condition holds; for policy functions in modules. */
export function allow(condition: boolean): void {
  noteCheck();
  if (!condition) throw new AppError("forbidden");
}
