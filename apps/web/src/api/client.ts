import type { ApiError, ErrorCode } from "@khidma/contracts";

/** Base path of the versioned API. */
export const API_BASE = "/api/v1";

/** A failed API call, carrying the server's code and its translated message. */
export class ApiRequestError extends Error {
  readonly status: number;
  readonly code: ErrorCode | "network";

  constructor(status: number, code: ErrorCode | "network", message: string) {
    super(message);
    this.name = "ApiRequestError";
    this.status = status;
    this.code = code;
  }
}

// The CSRF token comes with the login and /auth/me responses and is echoed on
// every cookie-authenticated write; it lives only in memory, never in storage.
let csrfToken: string | null = null;
let languageGetter: () => string = () => "en";
let unauthorizedListener: (() => void) | null = null;

/** Remembers the session's CSRF token (from login, invitation accept or /auth/me). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Tells the client how to read the UI language, sent as Accept-Language. */
export function setLanguageGetter(getter: () => string): void {
  languageGetter = getter;
}

/** Called when an authenticated call answers 401, so the app can show the sign-in page. */
export function onUnauthorized(listener: (() => void) | null): void {
  unauthorizedListener = listener;
}

type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/** Query-string values; undefined, null and "" are left out. */
export type QueryParams = Record<string, string | number | boolean | null | undefined>;

/** Builds `path?query` from defined values only. */
export function withQuery(path: string, query?: QueryParams): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/**
 * Calls the API and returns the parsed JSON body (undefined for 204).
 * Errors become ApiRequestError with the server's message in the UI language.
 */
export async function apiRequest<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {
    Accept: "application/json",
    "Accept-Language": languageGetter(),
  };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["X-CSRF-Token"] = csrfToken;

  let response: Response;
  try {
    response = await fetch(`${API_BASE}${path}`, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiRequestError(0, "network", "");
  }

  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const data: unknown = text ? safeParse(text) : undefined;

  if (!response.ok) {
    const error = isApiError(data) ? data.error : null;
    const code = error?.code ?? (response.status === 401 ? "unauthorized" : "internal");
    const failure = new ApiRequestError(response.status, code, error?.message ?? response.statusText);
    // A login attempt's 401 is an answer, not a lost session.
    if (response.status === 401 && code === "unauthorized" && !path.startsWith("/auth/")) {
      unauthorizedListener?.();
    }
    throw failure;
  }
  return data as T;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isApiError(value: unknown): value is ApiError {
  if (typeof value !== "object" || value === null || !("error" in value)) return false;
  const error = (value as { error: unknown }).error;
  return typeof error === "object" && error !== null && "code" in error && "message" in error;
}

/** Shorthands for the HTTP verbs. */
export const api = {
  get: <T>(path: string, query?: QueryParams) => apiRequest<T>("GET", withQuery(path, query)),
  post: <T>(path: string, body?: unknown) => apiRequest<T>("POST", path, body ?? {}),
  patch: <T>(path: string, body: unknown) => apiRequest<T>("PATCH", path, body),
  del: <T = void>(path: string) => apiRequest<T>("DELETE", path),
};
