import type { Me } from "@khidma/contracts";
import type { FastifyInstance } from "fastify";
import { call } from "../../test/harness";

let ipSeq = 0;
/**
 * A client address of its own for a test, sent as X-Forwarded-For: sign-in
 * throttling and rate limits count per address, so tests must not share one.
 */
export function freshIp(): Record<string, string> {
  ipSeq += 1;
  const r = () => Math.floor(Math.random() * 250) + 1;
  return { "x-forwarded-for": `10.${r()}.${(process.pid + ipSeq) % 250}.${r()}` };
}

/** The value of a Set-Cookie header for a cookie name, with its attributes. */
export function setCookieOf(headers: Record<string, unknown>, name: string): string | null {
  const raw = headers["set-cookie"];
  const all = Array.isArray(raw) ? raw : typeof raw === "string" ? [raw] : [];
  return (all as string[]).find((c) => c.startsWith(`${name}=`)) ?? null;
}

/** A signed-in browser: headers for reads and for writes (with X-CSRF-Token). */
export interface CookieSession {
  user: Me;
  csrfToken: string;
  cookie: string;
  read: Record<string, string>;
  write: Record<string, string>;
}

/** Signs in through the API and returns the cookie session; fails the test when sign-in fails. */
export async function signInCookie(
  app: FastifyInstance,
  email: string,
  password: string,
  extra: { totp?: string; ip?: Record<string, string> } = {},
): Promise<CookieSession> {
  const payload: Record<string, string> = { email, password };
  if (extra.totp) payload.totp = extra.totp;
  const res = await call<{ user: Me; csrfToken: string }>(app, {
    method: "POST",
    url: "/api/v1/auth/login",
    headers: extra.ip ?? freshIp(),
    payload,
  });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${JSON.stringify(res.body)}`);
  const setCookie = setCookieOf(res.headers, "khidma_session");
  if (!setCookie) throw new Error("no session cookie");
  const cookie = setCookie.split(";")[0] ?? "";
  return {
    user: res.body.user,
    csrfToken: res.body.csrfToken,
    cookie,
    read: { cookie },
    write: { cookie, "x-csrf-token": res.body.csrfToken },
  };
}
