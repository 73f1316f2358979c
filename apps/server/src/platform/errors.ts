import type { ErrorCode } from "@khidma/contracts";

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  invalid_json: 400,
  invalid_cursor: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unauthorized: 401,
  invalid_credentials: 401,
  totp_required: 401,
  invalid_totp: 401,
  csrf_failed: 403,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  duplicate_contact: 409,
  idempotency_conflict: 422,
  invitation_invalid: 410,
  too_many_requests: 429,
  internal: 500,
};

/**
 * The one error type of the application. The code selects the HTTP status and
 * the translated message; `params` fill the message's placeholders and
 * `detail` overrides the message with a specific (already translated) text.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly params: Record<string, string | number>;
  readonly detail: string | undefined;

  constructor(code: ErrorCode, params: Record<string, string | number> = {}, detail?: string) {
    super(detail ?? code);
    this.code = code;
    this.params = params;
    this.detail = detail;
  }

  get status(): number {
    return STATUS[this.code];
  }
}

/** HTTP status for an error code. */
export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}
