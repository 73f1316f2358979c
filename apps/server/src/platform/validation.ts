import type { Language } from "@khidma/contracts";
import { Ajv, type ErrorObject } from "ajv";
import addFormats from "ajv-formats";
import type { FastifySchemaValidationError } from "fastify/types/schema";
import { t } from "./i18n";

function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({
    coerceTypes: coerce ? "array" : false,
    useDefaults: true,
    removeAdditional: false,
    allErrors: false,
    strict: false,
  });
  addFormats.default(ajv);
  return ajv;
}

// Bodies are validated strictly: "5" is not a number and unknown fields are
// refused. Query strings and path parameters arrive as text and are coerced.
const strict = makeAjv(false);
const coercing = makeAjv(true);

// Coercion takes any text JavaScript reads as a number: " 1", "1e3" and
// "0x10" would name records 1, 1000 and 16. Numbers in paths and query
// strings must be written as plain decimals.
const NUMERIC_TEXT: Record<string, RegExp> = { integer: /^-?\d{1,20}$/, number: /^-?\d{1,20}(\.\d{1,20})?$/ };

interface PartSchema {
  properties?: Record<string, { type?: string | string[] }>;
}

function numericFields(schema: PartSchema): [string, string][] {
  return Object.entries(schema.properties ?? {}).flatMap(([name, prop]) => {
    const types = Array.isArray(prop.type) ? prop.type : [prop.type];
    const numeric = types.find((type) => type === "integer" || type === "number");
    return numeric ? [[name, numeric] as [string, string]] : [];
  });
}

/** How deep objects and lists may nest in a request (contact attributes are the deepest by design). */
export const MAX_DEPTH = 32;

/** Something in a request no schema keyword catches, and where it is (a JSON pointer). */
export interface TextProblem {
  kind: "text" | "depth";
  path: string;
}

// In a /u pattern a surrogate pair is one character, so \p{Cs} finds only halves.
const LONE_SURROGATE = /\p{Cs}/u;

function badText(text: string): boolean {
  return text.includes("\u0000") || LONE_SURROGATE.test(text);
}

/**
 * Finds text PostgreSQL cannot store — a NUL character, or half of a
 * surrogate pair — in a string or an object key, and nesting deeper than
 * MAX_DEPTH (PostgreSQL's jsonb parser runs out of stack long before the body
 * limit is reached). Walks with its own stack, so no input overflows ours.
 */
export function inspectInput(value: unknown): TextProblem | null {
  const stack: [unknown, string, number][] = [[value, "", 0]];
  while (stack.length > 0) {
    const [current, path, depth] = stack.pop() as [unknown, string, number];
    if (typeof current === "string") {
      if (badText(current)) return { kind: "text", path };
    } else if (current !== null && typeof current === "object") {
      if (depth >= MAX_DEPTH) return { kind: "depth", path };
      const entries = Array.isArray(current)
        ? current.map((item, i) => [String(i), item] as const)
        : Object.entries(current);
      for (const [key, item] of entries) {
        if (badText(key)) return { kind: "text", path };
        stack.push([item, `${path}/${key}`, depth + 1]);
      }
    }
  }
  return null;
}

function validationError(
  keyword: string,
  instancePath: string,
  params: Record<string, unknown>,
): ErrorObject {
  return { keyword, instancePath, schemaPath: "#", params, message: keyword };
}

/**
 * Fastify validator compiler: strict for bodies, coercing (plain decimals
 * only) for query and params; text that cannot be stored, and nesting past
 * MAX_DEPTH, are refused everywhere.
 */
export function validatorCompiler({ schema, httpPart }: { schema: object; httpPart?: string }) {
  const validate = httpPart === "body" ? strict.compile(schema) : coercing.compile(schema);
  const fields = httpPart === "body" ? [] : numericFields(schema as PartSchema);
  const check = (data: unknown): boolean => {
    const problem = inspectInput(data);
    if (problem) {
      check.errors = [validationError(problem.kind === "text" ? "badText" : "tooDeep", problem.path, {})];
      return false;
    }
    const values = (data ?? {}) as Record<string, unknown>;
    for (const [name, type] of fields) {
      const value = values[name];
      if (typeof value === "string" && !NUMERIC_TEXT[type]?.test(value)) {
        check.errors = [validationError("type", `/${name}`, { type })];
        return false;
      }
    }
    const ok = validate(data);
    check.errors = validate.errors ?? null;
    return ok;
  };
  check.errors = null as ErrorObject[] | null;
  return check;
}

/** Turns the first validation error into a sentence in the caller's language. */
export function describeValidation(
  lang: Language,
  errors: (ErrorObject | FastifySchemaValidationError)[],
  context: string | undefined,
): string {
  const e = errors[0];
  if (!e) return t(lang, "error.bad_request");
  const params = (e.params ?? {}) as Record<string, unknown>;
  const path = (e.instancePath ?? "").replace(/^\//, "").replace(/\//g, ".");
  const where = context === "body" ? "" : context === "querystring" ? "validation.query" : "validation.param";
  const field = (name: string) => name || (where ? t(lang, where) : t(lang, "validation.body"));
  switch (e.keyword) {
    case "required":
      return t(lang, "validation.required", {
        field: [path, String(params.missingProperty)].filter(Boolean).join("."),
      });
    case "additionalProperties":
      return t(lang, "validation.unknown", {
        field: [path, String(params.additionalProperty)].filter(Boolean).join("."),
      });
    case "type":
      return t(lang, "validation.type", { field: field(path), type: String(params.type) });
    case "format":
      return t(lang, "validation.format", { field: field(path), format: String(params.format) });
    case "enum":
      return t(lang, "validation.enum", {
        field: field(path),
        values: ((params.allowedValues as unknown[]) ?? []).join(", "),
      });
    case "minLength":
    case "maxLength":
    case "minimum":
    case "maximum":
    case "minItems":
    case "maxItems":
      return t(lang, `validation.${e.keyword}`, { field: field(path), limit: String(params.limit) });
    case "pattern":
      return t(lang, "validation.pattern", { field: field(path) });
    case "badText":
      return t(lang, "validation.bad_text", { field: field(path) });
    case "tooDeep":
      return t(lang, "validation.too_deep", { field: field(path), limit: MAX_DEPTH });
    default:
      return t(lang, "validation.invalid", { field: field(path) });
  }
}
