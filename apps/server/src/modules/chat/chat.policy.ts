import { AppError } from "../../platform/errors";
import { allow } from "../../platform/policy";
import type { VisitorRow } from "./chat.repo";
import type { WidgetRow } from "./widgets.repo";
import { originAllowed } from "./widgets.rules";

/**
 * A visitor acts only through the widget that issued their token, and only on
 * their own conversation (the routes never take a conversation id from them).
 */
export function authorizeVisitor(widget: WidgetRow, visitor: VisitorRow): void {
  allow(visitor.account_id === widget.account_id && visitor.widget_id === widget.id);
}

/** A page may use a widget only from an origin on its allow-list (any, when the list is empty). */
export function authorizeWidgetOrigin(widget: WidgetRow, origin: string | undefined): void {
  if (!originAllowed(widget.allowed_origins, origin))
    throw new AppError("forbidden", {}, "chat.origin_refused");
  allow(true);
}
