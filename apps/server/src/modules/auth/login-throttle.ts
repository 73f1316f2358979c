// Sign-in throttling kept in the database, so every node sees the same counts:
// per email and per client address, too many failures within the window lock
// further attempts for a while.
import type { Clock } from "../../platform/clock";
import type { Executor } from "../../platform/db";
import { AppError } from "../../platform/errors";
import { addThrottleFailure, clearThrottle, latestLock } from "./auth.repo";

const WINDOW_MS = 15 * 60 * 1000;
const LOCK_MS = 15 * 60 * 1000;
/** Failures allowed per email within the window before it locks. */
export const EMAIL_FAILURE_LIMIT = 5;
// An office or a mobile carrier puts many people behind one address, so the
// address gets more room than one email does.
/** Failures allowed per client address within the window before it locks. */
export const IP_FAILURE_LIMIT = 20;

/** The keys an attempt counts against. */
export interface ThrottleKeys {
  email: string;
  ip: string;
}

/** The throttle keys of an attempt. */
export function throttleKeys(email: string, ip: string): ThrottleKeys {
  return { email: `email:${email}`, ip: `ip:${ip}` };
}

/** Throws 429 too_many_requests (with the seconds to wait) when any key of the attempt is locked. */
export async function assertNotThrottled(db: Executor, clock: Clock, keys: ThrottleKeys): Promise<void> {
  const now = clock.now();
  const until = await latestLock(db, [keys.email, keys.ip], now);
  if (until) {
    const seconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
    throw new AppError("too_many_requests", { seconds });
  }
}

/** Counts a failed attempt against both keys. */
export async function recordFailure(db: Executor, clock: Clock, keys: ThrottleKeys): Promise<void> {
  const now = clock.now();
  const windowStart = new Date(now.getTime() - WINDOW_MS);
  const lockedUntil = new Date(now.getTime() + LOCK_MS);
  await addThrottleFailure(db, {
    key: keys.email,
    now,
    windowStart,
    limit: EMAIL_FAILURE_LIMIT,
    lockedUntil,
  });
  await addThrottleFailure(db, { key: keys.ip, now, windowStart, limit: IP_FAILURE_LIMIT, lockedUntil });
}

/** Forgets the failures of an email after it signed in. */
export function clearFailures(db: Executor, keys: ThrottleKeys): Promise<void> {
  return clearThrottle(db, keys.email);
}
