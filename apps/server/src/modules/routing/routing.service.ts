import type { ConversationDetail } from "@khidma/contracts";
import type { AppContext } from "../../app";
import type { Principal } from "../../platform/auth";
import { AppError } from "../../platform/errors";
import { recordEvent } from "../../platform/events";
import { presenceOf } from "../../platform/presence";
import { transact } from "../../platform/realtime-publish";
import { assignLocked } from "../conversations/assignment.service";
import { getConversation, lockConversationRow } from "../conversations/conversations.service";
import { canManageRouting, canReadRouting } from "./routing.policy";
import {
  type AgentLoad,
  agentLoads,
  findSettings,
  lockCursor,
  moveCursor,
  saveSettings,
  setCapacity,
  waitingConversationIds,
} from "./routing.repo";

/** The account's automatic-assignment settings, as the API shows them. */
export interface RoutingSettings {
  autoAssign: boolean;
  defaultCapacity: number;
}

/** One agent's load and presence, for the routing page. */
export interface AgentRouting {
  userId: number;
  name: string;
  capacity: number | null;
  effectiveCapacity: number;
  open: number;
  presence: "online" | "away" | "offline";
}

/**
 * Picks the next agent after the cursor, round-robin by id, among those with
 * room left under their capacity; null when none has room.
 */
export function pickNext(agents: AgentLoad[], lastUserId: number, defaultCapacity: number): AgentLoad | null {
  const withRoom = agents.filter((a) => a.open < (a.capacity ?? defaultCapacity));
  if (withRoom.length === 0) return null;
  return withRoom.find((a) => a.id > lastUserId) ?? withRoom[0] ?? null;
}

/**
 * Automatic assignment of a new conversation: when the account has it on,
 * gives the conversation to the next ONLINE agent of its team (or of the
 * account when it has none) that has room under their capacity, round-robin.
 * It is an assignment like a manual one (event, notification, live update),
 * made by the system. Returns the assigned conversation, or null when it
 * stays unassigned (off, nobody online, everyone full, already assigned).
 */
export async function routeNewConversation(
  ctx: AppContext,
  accountId: number,
  conversationId: number,
  /** Already read with the conversation's number: when false, no query is needed to know routing is off. */
  autoAssign?: boolean,
): Promise<ConversationDetail | null> {
  if (autoAssign === false) return null;
  try {
    return await route(ctx, accountId, conversationId);
  } catch {
    // The conversation is already committed and answered for: when routing
    // cannot run (Redis unreachable, a lock timeout) it stays unassigned, in
    // the Unassigned view, rather than failing a request a client would retry.
    return null;
  }
}

async function route(
  ctx: AppContext,
  accountId: number,
  conversationId: number,
): Promise<ConversationDetail | null> {
  const settings = await findSettings(ctx.db, accountId);
  if (!settings.auto_assign) return null;
  const statuses = await presenceOf(ctx.hub).statuses(accountId);
  const online = [...statuses].filter(([, s]) => s === "online").map(([id]) => id);
  if (online.length === 0) return null;
  return transact(ctx, async (tx) => {
    const row = await lockConversationRow(tx, accountId, conversationId);
    if (!row || row.assignee_id !== null) return null;
    const teamKey = row.team_id ?? 0;
    const last = await lockCursor(tx, accountId, teamKey);
    const agents = await agentLoads(tx, accountId, { teamId: row.team_id, userIds: online });
    const chosen = pickNext(agents, last, settings.default_capacity);
    if (!chosen) return null;
    await moveCursor(tx, accountId, teamKey, chosen.id);
    await assignLocked(tx, { accountId, userId: null }, row, chosen.id, ctx.clock.now());
    return getConversation(tx, accountId, conversationId);
  });
}

/** How many waiting conversations one agent coming online may hand out at most. */
const WAITING_BATCH = 100;

/**
 * Hands out conversations that waited unassigned (nobody was online, or
 * everyone was full) when an agent comes online: the longest waiting first,
 * each to the next online agent with room, round-robin, until nobody has
 * room or none is left. Returns how many were assigned.
 */
export async function routeWaiting(ctx: AppContext, accountId: number): Promise<number> {
  const settings = await findSettings(ctx.db, accountId);
  if (!settings.auto_assign) return 0;
  let assigned = 0;
  for (const id of await waitingConversationIds(ctx.db, accountId, WAITING_BATCH)) {
    const routed = await routeNewConversation(ctx, accountId, id, true);
    if (!routed) break;
    assigned += 1;
  }
  return assigned;
}

/** GET /routing/settings. */
export async function getRoutingSettings(ctx: AppContext, principal: Principal): Promise<RoutingSettings> {
  canReadRouting(principal);
  const s = await findSettings(ctx.db, principal.accountId);
  return { autoAssign: s.auto_assign, defaultCapacity: s.default_capacity };
}

/** PATCH /routing/settings (admins). */
export async function updateRoutingSettings(
  ctx: AppContext,
  principal: Principal,
  input: { autoAssign?: boolean | undefined; defaultCapacity?: number | undefined },
): Promise<RoutingSettings> {
  canManageRouting(principal);
  if (input.autoAssign === undefined && input.defaultCapacity === undefined) {
    throw new AppError("validation_failed", { detail: "validation.empty_update" });
  }
  return ctx.db.transaction().execute(async (tx) => {
    const before = await findSettings(tx, principal.accountId);
    const after = {
      auto_assign: input.autoAssign ?? before.auto_assign,
      default_capacity: input.defaultCapacity ?? before.default_capacity,
    };
    const at = ctx.clock.now();
    await saveSettings(tx, principal.accountId, after, at);
    await recordEvent(tx, principal, {
      type: "routing.updated",
      subjectType: "account",
      subjectId: principal.accountId,
      before: { autoAssign: before.auto_assign, defaultCapacity: before.default_capacity },
      after: { autoAssign: after.auto_assign, defaultCapacity: after.default_capacity },
      at,
    });
    return { autoAssign: after.auto_assign, defaultCapacity: after.default_capacity };
  });
}

/** GET /routing/agents: every active agent's capacity, open load and presence. */
export async function listAgentRouting(ctx: AppContext, principal: Principal): Promise<AgentRouting[]> {
  canReadRouting(principal);
  const [settings, agents, statuses] = await Promise.all([
    findSettings(ctx.db, principal.accountId),
    agentLoads(ctx.db, principal.accountId, { teamId: null, userIds: null }),
    presenceOf(ctx.hub).statuses(principal.accountId),
  ]);
  return agents.map((a) => ({
    userId: a.id,
    name: a.name,
    capacity: a.capacity,
    effectiveCapacity: a.capacity ?? settings.default_capacity,
    open: a.open,
    presence: statuses.get(a.id) ?? "offline",
  }));
}

/** PUT /routing/agents/{id}: an agent's capacity, null for the account default (admins). */
export async function setAgentCapacity(
  ctx: AppContext,
  principal: Principal,
  userId: number,
  capacity: number | null,
): Promise<AgentRouting> {
  canManageRouting(principal);
  await ctx.db.transaction().execute(async (tx) => {
    const at = ctx.clock.now();
    const changed = await setCapacity(tx, principal.accountId, userId, capacity, at);
    if (!changed) throw new AppError("not_found", { resource: "resource.user" });
    await recordEvent(tx, principal, {
      type: "user.capacity_changed",
      subjectType: "user",
      subjectId: userId,
      before: { capacity: changed.before },
      after: { capacity },
      at,
    });
  });
  const all = await listAgentRouting(ctx, principal);
  const found = all.find((a) => a.userId === userId);
  if (!found) throw new AppError("not_found", { resource: "resource.user" });
  return found;
}
