import { Type } from "@sinclair/typebox";
import { defineJob } from "../../platform/jobs";
import { deliverEmail, markDeliveryFailed } from "./outbound.send";

/**
 * Sends one outgoing email (an agent's reply or an acknowledgement). Six
 * attempts over about half an hour (1, 2, 4, 8, 16 minutes apart) ride out a
 * restarting or greylisting mail server; then the message shows as failed
 * and an agent may retry it.
 */
export const sendEmailJob = defineJob({
  name: "email.send",
  payload: Type.Object({ messageId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
  maxAttempts: 6,
  backoffMs: 60_000,
  maxBackoffMs: 30 * 60_000,
  leaseMs: 5 * 60_000,
  handler: deliverEmail,
  onDead: (ctx, tx, job, reason) =>
    markDeliveryFailed(tx, job.accountId, job.payload.messageId, reason, ctx.clock.now()),
});

/** The jobs of the email module. */
export const emailJobs = [sendEmailJob];
