import type { Role } from "@khidma/contracts";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Clock } from "./clock";
import type { Db } from "./db";
import { AppError } from "./errors";
import type { RealtimeHub } from "./realtime";
import { hashToken, makeAccountToken, parseAccountToken, randomSecret, safeEqual } from "./tokens";

/** The caller of a request, once authenticated. */
export interface Principal {
  accountId: number;
  userId: number;
  role: Role;
  name: string;
  email: string;
  via: "session" | "token";
  tokenId: number | null;
  sessionHash: string | null;
  csrfToken: string | null;
}

export const SESSION_COOKIE = "khidma_session";
const SESSION_PREFIX = "ks";
export const API_TOKEN_PREFIX = "kh";
/** Sessions last this long and slide forward while in use. */
export const SESSION_TTL_MS = 14 * 24 * 3600 * 1000;
const TOUCH_INTERVAL_MS = 10 * 60 * 1000;

/** Creates a session row and returns the cookie value and its CSRF token. */
export async function createSession(
  db: Db,
  clock: Clock,
  input: { accountId: number; userId: number; userAgent?: string | undefined; ip?: string | undefined },
): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
  const token = makeAccountToken(SESSION_PREFIX, input.accountId);
  const csrfToken = randomSecret(24);
  const expiresAt = new Date(clock.now().getTime() + SESSION_TTL_MS);
  await db
    .insertInto("sessions")
    .values({
      account_id: input.accountId,
      token_hash: hashToken(token),
      user_id: input.userId,
      csrf_token: csrfToken,
      user_agent: input.userAgent?.slice(0, 300) ?? null,
      ip: input.ip ?? null,
      created_at: clock.now(),
      last_seen_at: clock.now(),
      expires_at: expiresAt,
    })
    .execute();
  return { token, csrfToken, expiresAt };
}

/** Sets the session cookie: HttpOnly, SameSite=Lax, Secure when the request came over https. */
export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  expiresAt: Date,
) {
  reply.setCookie(SESSION_COOKIE, token, {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: request.protocol === "https",
    expires: expiresAt,
  });
}

/** Clears the session cookie. */
export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply) {
  reply.clearCookie(SESSION_COOKIE, {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: request.protocol === "https",
  });
}

const userColumns = ["users.id as user_id", "users.role", "users.name", "users.email"] as const;

/**
 * Validated API tokens are kept for a few seconds, so an integration sending
 * many requests costs no token lookup on each. Revoking a token or changing or
 * disabling a user clears the cache on every node (forgetCachedPrincipals);
 * should that message be lost, an entry still expires after TOKEN_CACHE_MS.
 */
const TOKEN_CACHE_MS = 5_000;
const TOKEN_CACHE_MAX = 10_000;
const tokenCache = new Map<string, { principal: Principal; until: number }>();

/** The hub room on which nodes tell each other to forget cached tokens. */
export const PRINCIPALS_ROOM = "platform:principals";

/** Forgets this node's cached tokens. */
export function clearTokenCache(): void {
  tokenCache.clear();
}

/**
 * Forgets cached tokens here and on every other node. Call it after a token
 * is revoked or a user's role or access changes, once that has committed.
 */
export async function forgetCachedPrincipals(hub: RealtimeHub): Promise<void> {
  tokenCache.clear();
  await hub.publish(PRINCIPALS_ROOM, { type: "principals.changed", accountId: 0, data: null });
}

/** Finds the principal of a request from its Bearer token or session cookie; null when neither is valid. */
export async function resolvePrincipal(
  db: Db,
  clock: Clock,
  request: FastifyRequest,
): Promise<Principal | null> {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) return null;
    const token = match[1];
    const parsed = parseAccountToken(API_TOKEN_PREFIX, token);
    if (!parsed) return null;
    const tokenHash = hashToken(token);
    const cached = tokenCache.get(tokenHash);
    if (cached && cached.until > clock.now().getTime()) return { ...cached.principal };
    const row = await db
      .selectFrom("api_tokens")
      .innerJoin("users", (j) =>
        j
          .onRef("users.account_id", "=", "api_tokens.account_id")
          .onRef("users.id", "=", "api_tokens.user_id"),
      )
      .select([...userColumns, "api_tokens.id as token_id", "api_tokens.last_used_at"])
      .where("api_tokens.account_id", "=", parsed.accountId)
      .where("api_tokens.token_hash", "=", tokenHash)
      .where("api_tokens.revoked_at", "is", null)
      .where("users.disabled_at", "is", null)
      .executeTakeFirst();
    if (!row) return null;
    const now = clock.now();
    if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > TOUCH_INTERVAL_MS) {
      await db
        .updateTable("api_tokens")
        .set({ last_used_at: now })
        .where("account_id", "=", parsed.accountId)
        .where("id", "=", row.token_id)
        .execute();
    }
    const principal: Principal = {
      accountId: parsed.accountId,
      userId: row.user_id,
      role: row.role as Role,
      name: row.name,
      email: row.email,
      via: "token",
      tokenId: row.token_id,
      sessionHash: null,
      csrfToken: null,
    };
    if (tokenCache.size >= TOKEN_CACHE_MAX) tokenCache.clear();
    tokenCache.set(tokenHash, { principal, until: now.getTime() + TOKEN_CACHE_MS });
    return { ...principal };
  }

  const cookie = request.cookies[SESSION_COOKIE];
  if (!cookie) return null;
  const parsed = parseAccountToken(SESSION_PREFIX, cookie);
  if (!parsed) return null;
  const tokenHash = hashToken(cookie);
  const now = clock.now();
  const row = await db
    .selectFrom("sessions")
    .innerJoin("users", (j) =>
      j.onRef("users.account_id", "=", "sessions.account_id").onRef("users.id", "=", "sessions.user_id"),
    )
    .select([...userColumns, "sessions.csrf_token", "sessions.last_seen_at"])
    .where("sessions.account_id", "=", parsed.accountId)
    .where("sessions.token_hash", "=", tokenHash)
    .where("sessions.expires_at", ">", now)
    .where("users.disabled_at", "is", null)
    .executeTakeFirst();
  if (!row) return null;
  if (now.getTime() - row.last_seen_at.getTime() > TOUCH_INTERVAL_MS) {
    await db
      .updateTable("sessions")
      .set({ last_seen_at: now, expires_at: new Date(now.getTime() + SESSION_TTL_MS) })
      .where("account_id", "=", parsed.accountId)
      .where("token_hash", "=", tokenHash)
      .execute();
  }
  return {
    accountId: parsed.accountId,
    userId: row.user_id,
    role: row.role as Role,
    name: row.name,
    email: row.email,
    via: "session",
    tokenId: null,
    sessionHash: tokenHash,
    csrfToken: row.csrf_token,
  };
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Cookie-authenticated writes must echo the session's CSRF token in X-CSRF-Token. */
export function checkCsrf(request: FastifyRequest, principal: Principal): void {
  if (principal.via !== "session" || SAFE_METHODS.has(request.method)) return;
  const sent = request.headers["x-csrf-token"];
  if (typeof sent !== "string" || !principal.csrfToken || !safeEqual(sent, principal.csrfToken)) {
    throw new AppError("csrf_failed");
  }
}

/** The principal of an authenticated route; throws 401 when there is none. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError("unauthorized");
  return request.principal;
}

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
    lang: import("@khidma/contracts").Language;
  }
  interface FastifyContextConfig {
    /** Routes that need no signed-in user (login, health, invitation accept). */
    public?: boolean;
  }
}
