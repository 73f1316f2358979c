import type {
  ConversationDetail,
  ConversationStatus,
  ConversationType,
  Language,
  Priority,
} from "@khidma/contracts";
import type { AppContext } from "../../app";
import type { Executor } from "../../platform/db";
import { AppError } from "../../platform/errors";
import { diff, recordEvent } from "../../platform/events";
import { afterCommit, conversationChanged, transact } from "../../platform/realtime-publish";
import { notifyUsers } from "../notifications/notifications.service";
import { liveSummary } from "../realtime/live-shape";
import type { WorkActor } from "./conversations.policy";
import { authorizeStatusChange } from "./conversations.policy";
import { presentSummary } from "./conversations.presenter";
import {
  activeUserIds,
  type ConversationChanges,
  type ConversationRow,
  findConversation,
  lockConversations,
  lockConversationsOfTeam,
  teamExists,
  updateConversationRow,
} from "./conversations.repo";
import { MAX_TAGS, normalizeTags, solvedAtAfter } from "./conversations.rules";
import { conversationSearch, getConversation } from "./conversations.service";

/** The fields of a conversation people change, as the API names them. */
type Fields = {
  subject: string;
  status: string;
  priority: string;
  type: string | null;
  language: string | null;
  assigneeId: number | null;
  teamId: number | null;
  tags: string[];
};

/** PATCH /conversations/{id}. */
export interface UpdateConversationInput {
  subject?: string | undefined;
  status?: ConversationStatus | undefined;
  priority?: Priority | undefined;
  type?: ConversationType | null | undefined;
  language?: Language | null | undefined;
  assigneeId?: number | null | undefined;
  teamId?: number | null | undefined;
  tags?: string[] | undefined;
  reason?: string | undefined;
}

const ASSIGNMENT_FIELDS = new Set(["assigneeId", "teamId"]);

function fieldsOf(row: ConversationRow): Fields {
  return {
    subject: row.subject,
    status: row.status,
    priority: row.priority,
    type: row.type,
    language: row.language,
    assigneeId: row.assignee_id,
    teamId: row.team_id,
    tags: row.tags,
  };
}

/**
 * 400 unless the assignee is an active user and the team a team of the
 * account. The team the conversation already has needs no check: looking it
 * up would wait on a deletion of that team, which waits on this conversation.
 */
async function checkAssignment(
  db: Executor,
  accountId: number,
  assigneeId: number | null | undefined,
  teamId: number | null | undefined,
  currentTeamId: number | null = null,
): Promise<void> {
  if (typeof assigneeId === "number" && (await activeUserIds(db, accountId, [assigneeId])).length === 0) {
    throw new AppError("validation_failed", { detail: "validation.assignee_unknown" });
  }
  if (typeof teamId === "number" && teamId !== currentTeamId && !(await teamExists(db, accountId, teamId))) {
    throw new AppError("validation_failed", { detail: "validation.team_unknown" });
  }
}

/**
 * Applies wanted field values to a locked conversation: checks the status
 * rule, writes only what differs, records one event with before/after of the
 * changed fields and notifies a new assignee. Returns whether anything changed.
 */
async function applyChanges(
  tx: Executor,
  actor: WorkActor,
  row: ConversationRow,
  wanted: Partial<Fields>,
  opts: { at: Date; reason?: string | undefined; eventType?: string },
): Promise<boolean> {
  const before = fieldsOf(row);
  if (wanted.status !== undefined) authorizeStatusChange(actor, before.status, wanted.status);
  const changes = diff(before, wanted);
  if (!changes) return false;
  const after = changes.after;
  const set: ConversationChanges = { updated_at: opts.at };
  if (after.subject !== undefined) {
    set.subject = after.subject;
    set.search = conversationSearch(after.subject);
  }
  if (after.status !== undefined) {
    set.status = after.status;
    set.solved_at = solvedAtAfter(after.status, row.solved_at, opts.at);
  }
  if (after.priority !== undefined) set.priority = after.priority;
  if ("type" in after) set.type = after.type ?? null;
  if ("language" in after) set.language = after.language ?? null;
  if ("assigneeId" in after) set.assignee_id = after.assigneeId ?? null;
  if ("teamId" in after) set.team_id = after.teamId ?? null;
  if (after.tags !== undefined) set.tags = after.tags;
  await updateConversationRow(tx, actor.accountId, row.id, set);

  const onlyAssignment = Object.keys(after).every((k) => ASSIGNMENT_FIELDS.has(k));
  await recordEvent(tx, actor, {
    type: opts.eventType ?? (onlyAssignment ? "conversation.assigned" : "conversation.updated"),
    subjectType: "conversation",
    subjectId: row.id,
    before: changes.before,
    after: opts.reason ? { ...after, reason: opts.reason } : after,
    at: opts.at,
  });
  if (typeof after.assigneeId === "number") {
    await notifyUsers(tx, actor, {
      kind: "assigned",
      userIds: [after.assigneeId],
      conversationId: row.id,
      at: opts.at,
    });
  }
  const fresh = await findConversation(tx, actor.accountId, row.id);
  if (fresh) afterCommit(tx, conversationChanged(actor.accountId, liveSummary(presentSummary(fresh))));
  return true;
}

/**
 * Assigns a conversation locked by the caller, in the caller's transaction,
 * exactly as a manual assignment does (event, notification, live update); for
 * automatic assignment. Returns whether it changed.
 */
export async function assignLocked(
  tx: Executor,
  actor: WorkActor,
  row: ConversationRow,
  assigneeId: number,
  at: Date,
): Promise<boolean> {
  return applyChanges(tx, actor, row, { assigneeId }, { at, eventType: "conversation.assigned" });
}

function wantedOf(input: UpdateConversationInput): Partial<Fields> {
  const wanted: Partial<Fields> = {};
  if (input.subject !== undefined) wanted.subject = input.subject.trim();
  if (input.status !== undefined) wanted.status = input.status;
  if (input.priority !== undefined) wanted.priority = input.priority;
  if (input.type !== undefined) wanted.type = input.type;
  if (input.language !== undefined) wanted.language = input.language;
  if (input.assigneeId !== undefined) wanted.assigneeId = input.assigneeId;
  if (input.teamId !== undefined) wanted.teamId = input.teamId;
  if (input.tags !== undefined) wanted.tags = normalizeTags(input.tags);
  return wanted;
}

async function lockOne(tx: Executor, accountId: number, id: number): Promise<ConversationRow> {
  const row = await findConversation(tx, accountId, id, { forUpdate: true });
  if (!row) throw new AppError("not_found", { resource: "resource.conversation" });
  return row;
}

/** Changes fields of a conversation; assignment changes follow the same rules as /assign. */
export async function updateConversation(
  ctx: AppContext,
  actor: WorkActor,
  id: number,
  input: UpdateConversationInput,
): Promise<ConversationDetail> {
  const wanted = wantedOf(input);
  if (Object.keys(wanted).length === 0) {
    throw new AppError("validation_failed", { detail: "validation.empty_update" });
  }
  if (wanted.subject === "") throw new AppError("validation_failed", { detail: "validation.blank" });
  return transact(ctx, async (tx) => {
    const row = await lockOne(tx, actor.accountId, id);
    await checkAssignment(tx, actor.accountId, wanted.assigneeId, wanted.teamId, row.team_id);
    await applyChanges(tx, actor, row, wanted, { at: ctx.clock.now(), reason: input.reason });
    return getConversation(tx, actor.accountId, id);
  });
}

/** Hands a conversation to an agent (or nobody) and optionally a team, with a reason for the timeline. */
export async function assignConversation(
  ctx: AppContext,
  actor: WorkActor,
  id: number,
  input: { assigneeId: number | null; teamId?: number | null | undefined; reason?: string | undefined },
): Promise<ConversationDetail> {
  return transact(ctx, async (tx) => {
    const row = await lockOne(tx, actor.accountId, id);
    await checkAssignment(tx, actor.accountId, input.assigneeId, input.teamId, row.team_id);
    const wanted: Partial<Fields> = { assigneeId: input.assigneeId };
    if (input.teamId !== undefined) wanted.teamId = input.teamId;
    await applyChanges(tx, actor, row, wanted, {
      at: ctx.clock.now(),
      reason: input.reason?.trim() || undefined,
      eventType: "conversation.assigned",
    });
    return getConversation(tx, actor.accountId, id);
  });
}

/** POST /conversations/bulk. */
export interface BulkInput {
  ids: number[];
  status?: ConversationStatus | undefined;
  assigneeId?: number | null | undefined;
  addTags?: string[] | undefined;
  removeTags?: string[] | undefined;
}

/**
 * Changes up to 100 conversations at once in one transaction, one event per
 * conversation that changed. Ids outside the account are ignored; the answer
 * counts the conversations that changed.
 */
export async function bulkUpdateConversations(
  ctx: AppContext,
  actor: WorkActor,
  input: BulkInput,
): Promise<{ updated: number }> {
  const addTags = normalizeTags(input.addTags ?? []);
  const removeTags = new Set(normalizeTags(input.removeTags ?? []));
  if (
    input.status === undefined &&
    input.assigneeId === undefined &&
    addTags.length === 0 &&
    removeTags.size === 0
  ) {
    throw new AppError("validation_failed", { detail: "validation.empty_update" });
  }
  const ids = [...new Set(input.ids)];
  return transact(ctx, async (tx) => {
    await checkAssignment(tx, actor.accountId, input.assigneeId, undefined);
    const rows = await lockConversations(tx, actor.accountId, ids);
    const at = ctx.clock.now();
    let updated = 0;
    for (const row of rows) {
      const wanted: Partial<Fields> = {};
      if (input.status !== undefined) wanted.status = input.status;
      if (input.assigneeId !== undefined) wanted.assigneeId = input.assigneeId;
      if (addTags.length > 0 || removeTags.size > 0) {
        const tags = [...new Set([...row.tags, ...addTags])].filter((t) => !removeTags.has(t));
        if (tags.length > MAX_TAGS) {
          throw new AppError("validation_failed", { detail: "validation.too_many_tags" });
        }
        wanted.tags = tags;
      }
      if (await applyChanges(tx, actor, row, wanted, { at })) updated += 1;
    }
    return { updated };
  });
}

/**
 * Takes a team off every conversation of the account that has it, in the
 * caller's transaction (the team's deletion), with one event per conversation
 * so each timeline shows it; returns how many conversations changed.
 */
export async function unassignTeam(
  tx: Executor,
  actor: WorkActor,
  teamId: number,
  at: Date,
): Promise<number> {
  const rows = await lockConversationsOfTeam(tx, actor.accountId, teamId);
  let changed = 0;
  for (const row of rows) {
    if (await applyChanges(tx, actor, row, { teamId: null }, { at })) changed += 1;
  }
  return changed;
}
