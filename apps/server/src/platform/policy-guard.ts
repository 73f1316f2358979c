import type { FastifyInstance, FastifyRequest } from "fastify";
import { t } from "./i18n";
import { type PolicyState, runInPolicyScope } from "./policy";

declare module "fastify" {
  interface FastifyRequest {
    policyState: PolicyState | null;
  }
}

function guarded(request: FastifyRequest): boolean {
  return (
    request.principal !== null &&
    request.routeOptions.config?.public !== true &&
    request.url.startsWith("/api/v1/")
  );
}

/**
 * Makes "a policy check in every route" checkable: while a signed-in request
 * is handled, the policy functions (requireRole, requireMember, allow) note
 * that they ran, and a successful answer of an authenticated route that no
 * check saw is replaced by a 500 and logged. Tests run with it on, so a route
 * without a check fails its own tests; it is off by default because the
 * async-context tracking it needs costs throughput.
 *
 * Register it before the idempotency hooks: its onSend must turn the answer
 * into an error before a stored copy is kept.
 */
export function registerPolicyGuard(app: FastifyInstance): void {
  app.decorateRequest("policyState", null);

  app.addHook("preHandler", (request, _reply, done) => {
    if (!guarded(request)) return done();
    const state: PolicyState = { checked: false };
    request.policyState = state;
    runInPolicyScope(state, done);
  });

  app.addHook("onSend", async (request, reply, payload) => {
    const state = request.policyState;
    if (!state || state.checked || reply.statusCode >= 400) return payload;
    // A replay of a stored answer runs no handler, so no check.
    if (reply.getHeader("idempotent-replayed")) return payload;
    request.log.error(
      { method: request.method, route: request.routeOptions.url },
      "route answered without a policy check",
    );
    reply.code(500).header("content-type", "application/json; charset=utf-8");
    return JSON.stringify({ error: { code: "internal", message: t(request.lang, "error.internal") } });
  });
}
