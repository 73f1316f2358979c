import type { Selectable } from "kysely";
import type { Executor } from "../../platform/db";
import type { Database } from "../../platform/db-types";

/** A widget row. */
export type WidgetRow = Selectable<Database["widgets"]>;

/** The stored form of a widget's settings. */
export interface WidgetValues {
  name: string;
  color: string;
  greeting: string;
  position: string;
  prechat: string;
  business_hours: string | null;
  offline_mode: string;
  reply_inbox_id: number | null;
  allowed_origins: string[];
}

/** Inserts a widget. */
export async function insertWidget(
  db: Executor,
  accountId: number,
  values: WidgetValues & { public_key: string; identity_secret: string; at: Date },
): Promise<WidgetRow> {
  const { at, ...rest } = values;
  return db
    .insertInto("widgets")
    .values({ account_id: accountId, ...rest, created_at: at, updated_at: at })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Widgets of an account, oldest first. */
export async function listWidgetRows(db: Executor, accountId: number): Promise<WidgetRow[]> {
  return db.selectFrom("widgets").selectAll().where("account_id", "=", accountId).orderBy("id").execute();
}

/** One widget by id. */
export async function findWidget(
  db: Executor,
  accountId: number,
  id: number,
  opts: { forUpdate?: boolean } = {},
): Promise<WidgetRow | undefined> {
  let q = db.selectFrom("widgets").selectAll().where("account_id", "=", accountId).where("id", "=", id);
  if (opts.forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** One widget by its public key. */
export async function findWidgetByKey(
  db: Executor,
  accountId: number,
  key: string,
): Promise<WidgetRow | undefined> {
  return db
    .selectFrom("widgets")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("public_key", "=", key)
    .executeTakeFirst();
}

/** Changes a widget's columns. */
export async function updateWidgetRow(
  db: Executor,
  accountId: number,
  id: number,
  set: Partial<WidgetValues> & { identity_secret?: string; updated_at: Date },
): Promise<WidgetRow> {
  return db
    .updateTable("widgets")
    .set(set)
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Deletes a widget (its visitors go with it; conversations stay). */
export async function deleteWidgetRow(db: Executor, accountId: number, id: number): Promise<void> {
  await db.deleteFrom("widgets").where("account_id", "=", accountId).where("id", "=", id).execute();
}
