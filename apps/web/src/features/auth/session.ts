import type { Me } from "@khidma/contracts";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef } from "react";
import { ApiRequestError, setCsrfToken } from "../../api/client";
import { authApi, type SessionPayload } from "../../api/endpoints";
import { queryKeys } from "../../api/query-keys";

/** Loads the signed-in user; null when nobody is signed in. */
export async function fetchSession(): Promise<SessionPayload | null> {
  try {
    const session = await authApi.me();
    setCsrfToken(session.csrfToken);
    return session;
  } catch (error) {
    if (error instanceof ApiRequestError && error.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

/** The session query: undefined while loading, null when signed out. */
export function useSession() {
  return useQuery({
    queryKey: queryKeys.session,
    queryFn: fetchSession,
    staleTime: 5 * 60_000,
    retry: false,
  });
}

/**
 * The signed-in user; only call it below the sign-in gate. While signing out,
 * the screen still renders once before the gate redirects, so the last known
 * user is kept for that render.
 */
export function useMe(): Me {
  const { data } = useSession();
  const last = useRef<Me | null>(null);
  if (data) last.current = data.user;
  if (!last.current) throw new Error("useMe outside an authenticated area");
  return last.current;
}

/** Stores a fresh session (after login, accepting an invitation, or a profile change). */
export function useSetSession() {
  const queryClient = useQueryClient();
  return (session: SessionPayload | null) => {
    setCsrfToken(session?.csrfToken ?? null);
    if (session === null) {
      // Nothing of the previous user may stay in the cache.
      queryClient.clear();
    }
    queryClient.setQueryData(queryKeys.session, session);
  };
}

/** Roles at or above admin may open the admin screens. */
export function isAdmin(me: Me): boolean {
  return me.role === "owner" || me.role === "admin";
}
