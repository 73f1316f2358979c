import { AppError } from "./errors";

/** Default and largest page sizes. */
export const PAGE_DEFAULT = 25;
export const PAGE_MAX = 100;

/** Encodes a keyset position (e.g. [lastMessageAt, id]) as an opaque cursor. */
export function encodeCursor(position: (string | number)[]): string {
  return Buffer.from(JSON.stringify(position)).toString("base64url");
}

/**
 * Decodes a cursor made by encodeCursor and checks its shape: "n" for a
 * positive integer, "t" for an ISO timestamp, "s" for a string. Anything else
 * is a 400 invalid_cursor, never a query with garbage in it.
 */
export function decodeCursor(cursor: string, shape: ("n" | "t" | "s")[]): (string | number)[] {
  let value: unknown;
  try {
    if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) throw new Error("charset");
    value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new AppError("invalid_cursor");
  }
  if (!Array.isArray(value) || value.length !== shape.length) throw new AppError("invalid_cursor");
  shape.forEach((kind, i) => {
    const v = value[i];
    const ok =
      kind === "n"
        ? Number.isSafeInteger(v) && (v as number) >= 0
        : kind === "t"
          ? // Years 1000 to 9999: the database refuses some years outside them.
            typeof v === "string" && !Number.isNaN(Date.parse(v)) && /^[1-9]\d{3}-\d\d-\d\dT/.test(v)
          : typeof v === "string" && v.length <= 200;
    if (!ok) throw new AppError("invalid_cursor");
  });
  return value as (string | number)[];
}
