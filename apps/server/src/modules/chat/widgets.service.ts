import type { Widget, WidgetSettings, WidgetWithSecret } from "@khidma/contracts";
import type { AppContext } from "../../app";
import { decryptSecret, encryptSecret } from "../../platform/crypto";
import type { Executor } from "../../platform/db";
import { AppError } from "../../platform/errors";
import { type Actor, diff, recordEvent } from "../../platform/events";
import { makeAccountToken, parseAccountToken, randomSecret } from "../../platform/tokens";
import { inboxOfAccount } from "../inboxes/inboxes.service";
import {
  deleteWidgetRow,
  findWidget,
  findWidgetByKey,
  insertWidget,
  listWidgetRows,
  updateWidgetRow,
  type WidgetRow,
  type WidgetValues,
} from "./widgets.repo";
import { DEFAULT_PRECHAT, embedSnippet, isTimeZone, normalizeOrigin, toMinutes } from "./widgets.rules";
import type { CreateWidgetBody, UpdateWidgetBody } from "./widgets.schemas";

/** Prefix of widget public keys: `kw_<account>_<random>`. */
export const WIDGET_KEY_PREFIX = "kw";

const DEFAULTS: Omit<WidgetSettings, "name"> = {
  color: "#0b7a75",
  greeting: { ar: "مرحبًا! كيف يمكننا مساعدتك؟", en: "Hello! How can we help?" },
  position: "end",
  prechat: DEFAULT_PRECHAT,
  businessHours: null,
  offlineMode: "message",
  replyInboxId: null,
  allowedOrigins: [],
};

/** A widget's settings as stored, parsed. */
export function settingsOf(row: WidgetRow): WidgetSettings {
  return {
    name: row.name,
    color: row.color,
    greeting: row.greeting as WidgetSettings["greeting"],
    position: row.position as WidgetSettings["position"],
    prechat: { ...DEFAULT_PRECHAT, ...(row.prechat as Partial<WidgetSettings["prechat"]>) },
    businessHours: (row.business_hours as WidgetSettings["businessHours"]) ?? null,
    offlineMode: row.offline_mode as WidgetSettings["offlineMode"],
    replyInboxId: row.reply_inbox_id,
    allowedOrigins: row.allowed_origins,
  };
}

/** A widget as the admin API shows it; `baseUrl` is where the server is reached from outside. */
export function presentWidget(row: WidgetRow, baseUrl: string): Widget {
  return {
    id: row.id,
    key: row.public_key,
    snippet: embedSnippet(baseUrl, row.public_key),
    ...settingsOf(row),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

// Checks what a schema cannot: a real time zone, hours that close after they
// open, origins a browser could send.
function checkSettings(input: UpdateWidgetBody): void {
  const hours = input.businessHours;
  if (hours) {
    if (!isTimeZone(hours.timezone)) {
      throw new AppError("validation_failed", { detail: "validation.widget_timezone" });
    }
    if (hours.days.some((d) => toMinutes(d.close) <= toMinutes(d.open))) {
      throw new AppError("validation_failed", { detail: "validation.widget_hours" });
    }
  }
  for (const origin of input.allowedOrigins ?? []) {
    if (!normalizeOrigin(origin)) {
      throw new AppError("validation_failed", { detail: "validation.widget_origin" });
    }
  }
}

// The inbox that answers offline messages must be an email inbox of the account.
async function checkReplyInbox(
  db: Executor,
  accountId: number,
  id: number | null | undefined,
): Promise<void> {
  if (id === undefined || id === null) return;
  const inbox = await inboxOfAccount(db, accountId, id);
  if (inbox?.channel !== "email") {
    throw new AppError("validation_failed", { detail: "validation.widget_inbox" });
  }
}

function storedValues(input: UpdateWidgetBody): Partial<WidgetValues> {
  const set: Partial<WidgetValues> = {};
  if (input.name !== undefined) set.name = input.name.trim();
  if (input.color !== undefined) set.color = input.color.toLowerCase();
  if (input.greeting !== undefined) {
    set.greeting = JSON.stringify({ ar: input.greeting.ar.trim(), en: input.greeting.en.trim() });
  }
  if (input.position !== undefined) set.position = input.position;
  if (input.prechat !== undefined) set.prechat = JSON.stringify(input.prechat);
  if (input.businessHours !== undefined) {
    set.business_hours = input.businessHours === null ? null : JSON.stringify(input.businessHours);
  }
  if (input.offlineMode !== undefined) set.offline_mode = input.offlineMode;
  if (input.replyInboxId !== undefined) set.reply_inbox_id = input.replyInboxId;
  if (input.allowedOrigins !== undefined) {
    set.allowed_origins = [...new Set(input.allowedOrigins.map((o) => normalizeOrigin(o) as string))];
  }
  return set;
}

/** Creates a widget; the answer carries the identity secret, which is shown only here and on regeneration. */
export async function createWidget(
  ctx: AppContext,
  actor: Actor,
  input: CreateWidgetBody,
  baseUrl: string,
): Promise<WidgetWithSecret> {
  const full = { ...DEFAULTS, ...input };
  checkSettings(full);
  const secret = randomSecret(32);
  const values = storedValues(full) as WidgetValues;
  return ctx.db.transaction().execute(async (tx) => {
    await checkReplyInbox(tx, actor.accountId, full.replyInboxId);
    const at = ctx.clock.now();
    const row = await insertWidget(tx, actor.accountId, {
      ...values,
      public_key: makeAccountToken(WIDGET_KEY_PREFIX, actor.accountId),
      identity_secret: encryptSecret(ctx.config, secret),
      at,
    });
    const widget = presentWidget(row, baseUrl);
    await recordEvent(tx, actor, {
      type: "widget.created",
      subjectType: "widget",
      subjectId: row.id,
      after: settingsOf(row),
      at,
    });
    return { ...widget, identitySecret: secret };
  });
}

/** The widgets of the account. */
export async function listWidgets(ctx: AppContext, actor: Actor, baseUrl: string): Promise<Widget[]> {
  const rows = await listWidgetRows(ctx.db, actor.accountId);
  return rows.map((row) => presentWidget(row, baseUrl));
}

async function loadWidget(
  db: Executor,
  accountId: number,
  id: number,
  forUpdate = false,
): Promise<WidgetRow> {
  const row = await findWidget(db, accountId, id, { forUpdate });
  if (!row) throw new AppError("not_found", { resource: "resource.widget" });
  return row;
}

/** One widget; 404 when it is not in the account. */
export async function getWidget(ctx: AppContext, actor: Actor, id: number, baseUrl: string): Promise<Widget> {
  return presentWidget(await loadWidget(ctx.db, actor.accountId, id), baseUrl);
}

/** Changes a widget's settings. */
export async function updateWidget(
  ctx: AppContext,
  actor: Actor,
  id: number,
  input: UpdateWidgetBody,
  baseUrl: string,
): Promise<Widget> {
  if (Object.keys(input).length === 0) {
    throw new AppError("validation_failed", { detail: "validation.empty_update" });
  }
  checkSettings(input);
  return ctx.db.transaction().execute(async (tx) => {
    const before = await loadWidget(tx, actor.accountId, id, true);
    await checkReplyInbox(tx, actor.accountId, input.replyInboxId);
    const at = ctx.clock.now();
    const row = await updateWidgetRow(tx, actor.accountId, id, { ...storedValues(input), updated_at: at });
    const change = diff(
      settingsOf(before) as unknown as Record<string, unknown>,
      settingsOf(row) as unknown as Record<string, unknown>,
    );
    if (change) {
      await recordEvent(tx, actor, {
        type: "widget.updated",
        subjectType: "widget",
        subjectId: id,
        ...change,
        at,
      });
    }
    return presentWidget(row, baseUrl);
  });
}

/** Replaces the identity secret; hosts signing with the old one stop being verified. */
export async function regenerateWidgetSecret(
  ctx: AppContext,
  actor: Actor,
  id: number,
  baseUrl: string,
): Promise<WidgetWithSecret> {
  const secret = randomSecret(32);
  return ctx.db.transaction().execute(async (tx) => {
    await loadWidget(tx, actor.accountId, id, true);
    const at = ctx.clock.now();
    const row = await updateWidgetRow(tx, actor.accountId, id, {
      identity_secret: encryptSecret(ctx.config, secret),
      updated_at: at,
    });
    await recordEvent(tx, actor, {
      type: "widget.secret_regenerated",
      subjectType: "widget",
      subjectId: id,
      at,
    });
    return { ...presentWidget(row, baseUrl), identitySecret: secret };
  });
}

/** Deletes a widget and its visitors; their conversations stay in the inbox. */
export async function deleteWidget(ctx: AppContext, actor: Actor, id: number): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const row = await loadWidget(tx, actor.accountId, id, true);
    await deleteWidgetRow(tx, actor.accountId, id);
    await recordEvent(tx, actor, {
      type: "widget.deleted",
      subjectType: "widget",
      subjectId: id,
      before: { name: row.name, key: row.public_key },
      at: ctx.clock.now(),
    });
  });
}

/** The widget a public key names, or null (unknown, malformed or deleted keys alike). */
export async function widgetByKey(db: Executor, key: string): Promise<WidgetRow | null> {
  const parsed = parseAccountToken(WIDGET_KEY_PREFIX, key);
  if (!parsed) return null;
  return (await findWidgetByKey(db, parsed.accountId, key)) ?? null;
}

/** The plain identity secret of a widget, to verify a host's HMAC. */
export function identitySecretOf(ctx: AppContext, row: WidgetRow): string {
  return decryptSecret(ctx.config, row.identity_secret);
}
