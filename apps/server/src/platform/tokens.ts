import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A random secret, URL-safe. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** SHA-256 of a high-entropy token; tokens are stored only as this. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/**
 * Makes a token that names its account: `<prefix>_<accountId>_<secret>`. The
 * account part lets the lookup use the (account_id, token_hash) key.
 */
export function makeAccountToken(prefix: string, accountId: number): string {
  return `${prefix}_${accountId}_${randomSecret()}`;
}

/** Splits a token made by makeAccountToken; null when it is not one. */
export function parseAccountToken(prefix: string, token: string): { accountId: number } | null {
  const match = new RegExp(`^${prefix}_(\\d{1,15})_[A-Za-z0-9_-]{20,}$`).exec(token);
  if (!match) return null;
  const accountId = Number(match[1]);
  return Number.isSafeInteger(accountId) && accountId > 0 ? { accountId } : null;
}

/** Constant-time string comparison. */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
