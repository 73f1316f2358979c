import type { FastifyRequest } from "fastify";

/** Where a request came from, for throttling and the session record. */
export interface ClientInfo {
  ip: string;
  userAgent?: string | undefined;
}

/** The client of a request (the address honours the proxy settings of the app). */
export function clientOf(request: FastifyRequest): ClientInfo {
  return { ip: request.ip, userAgent: request.headers["user-agent"] };
}
