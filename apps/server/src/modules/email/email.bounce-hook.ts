import type { AppContext } from "../../app";
import type { Tx } from "../../platform/db";
import type { Actor } from "../../platform/events";
import type { InboxRow } from "../inboxes/inboxes.service";
import type { InboundClassification } from "./email.classify";
import type { DsnReport } from "./email.dsn";
import type { InboundMail } from "./email.parse";

/** What ingest hands to the bounce handler, inside its transaction. */
export interface BounceInput {
  ctx: AppContext;
  tx: Tx;
  actor: Actor;
  inbox: InboxRow;
  mail: InboundMail;
  classification: InboundClassification;
  report: DsnReport;
  at: Date;
}

/**
 * Handles a delivery report inside ingest's transaction: flag the address,
 * mark the outgoing message, attach the report to its conversation. It
 * returns where the report was stored, or null to let ingest store it as an
 * ordinary inbound message in the conversation it refers to.
 */
export type BounceHandler = (
  input: BounceInput,
) => Promise<{ conversationId: number; messageId: number } | null>;

let handler: BounceHandler | null = null;

/** Installs the bounce handler (the outbound side registers it when its module loads). */
export function registerBounceHandler(next: BounceHandler): void {
  handler = next;
}

/** The installed bounce handler, if any. */
export function currentBounceHandler(): BounceHandler | null {
  return handler;
}
