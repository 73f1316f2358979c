import type { Language, Me, Role } from "@khidma/contracts";
import { authenticator } from "otplib";
import type { AppContext } from "../../app";
import { createSession, type Principal } from "../../platform/auth";
import type { Clock } from "../../platform/clock";
import { decryptSecret, encryptSecret } from "../../platform/crypto";
import type { Executor } from "../../platform/db";
import { AppError } from "../../platform/errors";
import { diff, recordEvent } from "../../platform/events";
import { DUMMY_HASH, hashPassword, verifyPassword } from "../../platform/passwords";
import { normalizeEmail } from "../accounts/accounts.service";
import {
  claimTotpStep,
  deleteSession,
  deleteUserSessions,
  findMe,
  findSignInUser,
  findUserSecrets,
  updateUserSelf,
} from "./auth.repo";
import type { ClientInfo } from "./client-info";
import { assertNotThrottled, clearFailures, recordFailure, throttleKeys } from "./login-throttle";

/** A new session: the cookie value, its CSRF token and when it expires. */
export interface SessionStart {
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

const TOTP_ISSUER = "Khidma";

type MeRow = NonNullable<Awaited<ReturnType<typeof findMe>>>;

function toMe(row: MeRow): Me {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.role as Role,
    language: (row.language as Language | null) ?? null,
    accountId: row.account_id,
    accountName: row.account_name,
    totpEnabled: row.totp_enabled,
  };
}

/** TOTP secrets are stored encrypted like mailbox passwords (`v1:`); older plain ones still read. */
function sealTotp(ctx: AppContext, secret: string): string {
  return encryptSecret(ctx.config, secret);
}

function openTotp(ctx: AppContext, stored: string): string {
  return stored.startsWith("v1:") ? decryptSecret(ctx.config, stored) : stored;
}

/** Loads a user as Me; 404 when the user is not in the account. */
export async function loadMe(db: Executor, accountId: number, userId: number): Promise<Me> {
  const row = await findMe(db, accountId, userId);
  if (!row) throw new AppError("not_found", { resource: "resource.user" });
  return toMe(row);
}

const TOTP_STEP_MS = 30_000;

// The time step a code belongs to, or null when it matches none. One step
// either side of now is accepted, so a phone clock a little off still works.
function totpStep(clock: Clock, secret: string, code: string): number | null {
  try {
    const now = clock.now().getTime();
    const delta = authenticator.clone({ window: 1, epoch: now }).checkDelta(code, secret);
    return delta === null ? null : Math.floor(now / TOTP_STEP_MS) + delta;
  } catch {
    return null;
  }
}

/**
 * Opens a session for a user in the caller's transaction and records the
 * sign-in; used by password sign-in and by accepting an invitation.
 */
export async function startSession(
  tx: Executor,
  clock: Clock,
  user: { accountId: number; userId: number },
  client: ClientInfo,
  method: string,
): Promise<SessionStart> {
  const session = await createSession(tx, clock, { ...user, userAgent: client.userAgent, ip: client.ip });
  await recordEvent(
    tx,
    { accountId: user.accountId, userId: user.userId },
    { type: "user.signed_in", subjectType: "user", subjectId: user.userId, after: { method, ip: client.ip } },
  );
  return session;
}

/**
 * Signs in with email and password (and a TOTP code when 2FA is on). Unknown
 * emails are checked against a dummy hash so timing does not tell them apart;
 * failures count toward the throttle, which locks the email and the address.
 */
export async function signIn(
  ctx: AppContext,
  input: { email: string; password: string; totp?: string | undefined },
  client: ClientInfo,
): Promise<{ user: Me; session: SessionStart }> {
  const email = normalizeEmail(input.email);
  const keys = throttleKeys(email, client.ip);
  await assertNotThrottled(ctx.db, ctx.clock, keys);
  const found = await findSignInUser(ctx.db, email);
  const passwordOk = await verifyPassword(found?.password_hash ?? DUMMY_HASH, input.password);
  if (!found || !passwordOk || found.disabled_at) {
    await recordFailure(ctx.db, ctx.clock, keys);
    throw new AppError("invalid_credentials");
  }
  let step: number | null = null;
  if (found.totp_enabled) {
    if (!input.totp) throw new AppError("totp_required");
    step = found.totp_secret ? totpStep(ctx.clock, openTotp(ctx, found.totp_secret), input.totp) : null;
    if (step === null) {
      await recordFailure(ctx.db, ctx.clock, keys);
      throw new AppError("invalid_totp");
    }
  }
  const signedIn = await ctx.db.transaction().execute(async (tx) => {
    // A code is good once: the step is claimed in the same transaction as the
    // session, so of two sign-ins with one code only the first gets through.
    if (step !== null && !(await claimTotpStep(tx, found.account_id, found.id, step))) return null;
    await clearFailures(tx, keys);
    const session = await startSession(
      tx,
      ctx.clock,
      { accountId: found.account_id, userId: found.id },
      client,
      found.totp_enabled ? "password+totp" : "password",
    );
    return { user: toMe(found), session };
  });
  if (!signedIn) {
    await recordFailure(ctx.db, ctx.clock, keys);
    throw new AppError("invalid_totp");
  }
  return signedIn;
}

/** Ends the caller's session (nothing to end for an API token). */
export async function signOut(ctx: AppContext, principal: Principal): Promise<void> {
  const sessionHash = principal.sessionHash;
  if (!sessionHash) return;
  await ctx.db.transaction().execute(async (tx) => {
    const ended = await deleteSession(tx, principal.accountId, sessionHash);
    if (ended) {
      await recordEvent(tx, principal, {
        type: "user.signed_out",
        subjectType: "user",
        subjectId: principal.userId,
      });
    }
  });
}

/** Ends every session of the caller, this one included. */
export async function signOutEverywhere(ctx: AppContext, principal: Principal): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const sessions = await deleteUserSessions(tx, principal.accountId, principal.userId, null);
    await recordEvent(tx, principal, {
      type: "user.signed_out_everywhere",
      subjectType: "user",
      subjectId: principal.userId,
      after: { sessions },
    });
  });
}

/** Ends the sessions of a user in the caller's transaction (e.g. when the user is disabled). */
export function endUserSessions(
  tx: Executor,
  accountId: number,
  userId: number,
  keepTokenHash: string | null = null,
): Promise<number> {
  return deleteUserSessions(tx, accountId, userId, keepTokenHash);
}

// Checks the caller's password for a sensitive change; wrong guesses count
// toward the sign-in throttle so a stolen session cannot brute-force it.
async function confirmPassword(
  ctx: AppContext,
  principal: Principal,
  password: string,
  client: ClientInfo,
  wrongKey: string,
): Promise<void> {
  const keys = throttleKeys(normalizeEmail(principal.email), client.ip);
  await assertNotThrottled(ctx.db, ctx.clock, keys);
  const secrets = await findUserSecrets(ctx.db, principal.accountId, principal.userId);
  if (!secrets || !(await verifyPassword(secrets.password_hash, password))) {
    await recordFailure(ctx.db, ctx.clock, keys);
    throw new AppError("validation_failed", { detail: wrongKey });
  }
}

/**
 * Changes the caller's name, language or password. A new password needs the
 * current one and ends the user's other sessions.
 */
export async function updateMe(
  ctx: AppContext,
  principal: Principal,
  patch: { name?: string; language?: Language | null; currentPassword?: string; newPassword?: string },
  client: ClientInfo,
): Promise<Me> {
  let passwordHash: string | null = null;
  if (patch.newPassword !== undefined) {
    if (!patch.currentPassword) {
      throw new AppError("validation_failed", { detail: "validation.current_password_required" });
    }
    await confirmPassword(ctx, principal, patch.currentPassword, client, "validation.current_password_wrong");
    passwordHash = await hashPassword(patch.newPassword);
  }
  return ctx.db.transaction().execute(async (tx) => {
    const before = await loadMe(tx, principal.accountId, principal.userId);
    const wanted: { name?: string; language?: Language | null } = {};
    if (patch.name !== undefined) wanted.name = patch.name.trim();
    if (patch.language !== undefined) wanted.language = patch.language;
    const changes = diff({ name: before.name, language: before.language }, wanted);
    const now = ctx.clock.now();
    if (changes) {
      await updateUserSelf(tx, principal.accountId, principal.userId, { ...changes.after, updated_at: now });
      await recordEvent(tx, principal, {
        type: "user.updated",
        subjectType: "user",
        subjectId: principal.userId,
        ...changes,
      });
    }
    if (passwordHash) {
      await updateUserSelf(tx, principal.accountId, principal.userId, {
        password_hash: passwordHash,
        updated_at: now,
      });
      const sessionsEnded = await deleteUserSessions(
        tx,
        principal.accountId,
        principal.userId,
        principal.sessionHash,
      );
      await recordEvent(tx, principal, {
        type: "user.password_changed",
        subjectType: "user",
        subjectId: principal.userId,
        after: { sessionsEnded },
      });
    }
    return loadMe(tx, principal.accountId, principal.userId);
  });
}

/**
 * Starts two-factor setup: stores a new pending secret and returns it with
 * its otpauth:// URL. It takes effect only once a code proves the app has it.
 */
export async function startTotpSetup(
  ctx: AppContext,
  principal: Principal,
): Promise<{ secret: string; otpauthUrl: string }> {
  return ctx.db.transaction().execute(async (tx) => {
    const secrets = await findUserSecrets(tx, principal.accountId, principal.userId);
    if (!secrets) throw new AppError("not_found", { resource: "resource.user" });
    if (secrets.totp_enabled) throw new AppError("conflict", { detail: "conflict.totp_enabled" });
    const secret = authenticator.generateSecret(20);
    await updateUserSelf(tx, principal.accountId, principal.userId, {
      totp_pending_secret: sealTotp(ctx, secret),
      updated_at: ctx.clock.now(),
    });
    await recordEvent(tx, principal, {
      type: "user.totp_setup_started",
      subjectType: "user",
      subjectId: principal.userId,
    });
    return { secret, otpauthUrl: authenticator.keyuri(secrets.email, TOTP_ISSUER, secret) };
  });
}

/** Turns two-factor sign-in on once a code from the app matches the pending secret. */
export async function enableTotp(ctx: AppContext, principal: Principal, code: string): Promise<Me> {
  return ctx.db.transaction().execute(async (tx) => {
    const secrets = await findUserSecrets(tx, principal.accountId, principal.userId);
    if (!secrets) throw new AppError("not_found", { resource: "resource.user" });
    if (secrets.totp_enabled) throw new AppError("conflict", { detail: "conflict.totp_enabled" });
    const pending = secrets.totp_pending_secret;
    if (!pending) throw new AppError("conflict", { detail: "conflict.totp_not_started" });
    const step = totpStep(ctx.clock, openTotp(ctx, pending), code);
    if (step === null) throw new AppError("validation_failed", { detail: "validation.totp_code" });
    await updateUserSelf(tx, principal.accountId, principal.userId, {
      totp_secret: pending,
      totp_pending_secret: null,
      totp_enabled: true,
      // The code that proved the app has the secret cannot then sign in.
      totp_last_step: step,
      updated_at: ctx.clock.now(),
    });
    await recordEvent(tx, principal, {
      type: "user.totp_enabled",
      subjectType: "user",
      subjectId: principal.userId,
      before: { totpEnabled: false },
      after: { totpEnabled: true },
    });
    return loadMe(tx, principal.accountId, principal.userId);
  });
}

/** Turns two-factor sign-in off; needs the password. */
export async function disableTotp(
  ctx: AppContext,
  principal: Principal,
  password: string,
  client: ClientInfo,
): Promise<Me> {
  await confirmPassword(ctx, principal, password, client, "validation.password_wrong");
  return ctx.db.transaction().execute(async (tx) => {
    const secrets = await findUserSecrets(tx, principal.accountId, principal.userId);
    if (!secrets) throw new AppError("not_found", { resource: "resource.user" });
    if (secrets.totp_enabled || secrets.totp_pending_secret) {
      await updateUserSelf(tx, principal.accountId, principal.userId, {
        totp_secret: null,
        totp_pending_secret: null,
        totp_enabled: false,
        totp_last_step: null,
        updated_at: ctx.clock.now(),
      });
      await recordEvent(tx, principal, {
        type: "user.totp_disabled",
        subjectType: "user",
        subjectId: principal.userId,
        before: { totpEnabled: secrets.totp_enabled },
        after: { totpEnabled: false },
      });
    }
    return loadMe(tx, principal.accountId, principal.userId);
  });
}
