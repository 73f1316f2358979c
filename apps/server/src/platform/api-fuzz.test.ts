import type { InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshIp } from "../modules/auth/auth.test-support";
import {
  call,
  createAccount,
  createTestApp,
  type TestApp,
  type TestUser,
  testDatabase,
} from "../test/harness";

// Walks the OpenAPI document and sends every operation the bad input a
// careless or hostile client sends. Whatever the input, the answer is a 4xx
// with {error:{code,message}} in the caller's language, never a 500.

/** The part of JSON Schema the API's schemas use. */
interface Schema {
  type?: string | string[];
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  minItems?: number;
  minLength?: number;
  minimum?: number;
  pattern?: string;
  format?: string;
}

interface Parameter {
  name: string;
  in: "path" | "query" | "header";
  schema: Schema;
}

interface Operation {
  security?: unknown[];
  parameters?: Parameter[];
  requestBody?: { content: { "application/json": { schema: Schema } } };
}

interface Op {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: string;
  label: string;
  isPublic: boolean;
  params: Parameter[];
  body: Schema | null;
}

type Reply = { status: number; body: unknown; headers: Record<string, unknown> };

const ARABIC = /[\u0600-\u06FF]/;
// Well-formed cursors that hold values no list could have produced.
const ODD_CURSORS = [
  ["0000-01-01T00:00:00.000Z", 1],
  ["-000001-01-01T00:00:00Z", 1],
  ["2026-01-01T00:00:00Z", -1],
  [1e300],
  [-1],
  [{}],
  ["x".repeat(300)],
].map((position) => Buffer.from(JSON.stringify(position)).toString("base64url"));
const UNKNOWN_FIELD = "fuzzUnknownField";

function typesOf(schema: Schema): string[] {
  if (Array.isArray(schema.type)) return schema.type;
  return schema.type ? [schema.type] : [];
}

// The first branch of a union that is not null.
function mainBranch(schema: Schema): Schema {
  const branches = schema.anyOf ?? schema.oneOf;
  if (!branches) return schema;
  return mainBranch(branches.find((b) => !typesOf(b).includes("null")) ?? branches[0] ?? {});
}

/** A value the schema accepts: required properties only, the smallest sizes. */
function sample(input: Schema): unknown {
  const schema = mainBranch(input);
  if (schema.enum) return schema.enum.find((v) => v !== null);
  const type = typesOf(schema).find((x) => x !== "null");
  switch (type) {
    case "string": {
      if (schema.format === "email") return "fuzz@example.test";
      if (schema.format === "date-time") return "2026-01-01T00:00:00.000Z";
      const pattern = schema.pattern ? new RegExp(schema.pattern, "u") : null;
      const length = Math.max(schema.minLength ?? 1, 1);
      const candidates = ["x".repeat(length), "123456", "fuzz@example.test"];
      return candidates.find((c) => !pattern || pattern.test(c)) ?? "x".repeat(length);
    }
    case "integer":
    case "number":
      return Math.max(schema.minimum ?? 1, 1);
    case "boolean":
      return true;
    case "array":
      return Array.from({ length: schema.minItems ?? 0 }, () => sample(schema.items ?? {}));
    case "object":
      return Object.fromEntries(
        (schema.required ?? []).map((name) => [name, sample(schema.properties?.[name] ?? {})]),
      );
    default:
      return null;
  }
}

/** A value of the wrong type for the schema, or undefined when it accepts anything. */
function wrongType(input: Schema): unknown {
  const schema = mainBranch(input);
  const type = typesOf(schema).find((x) => x !== "null");
  if (schema.enum && type === "string") return 42;
  switch (type) {
    case "string":
      return 12345;
    case "integer":
    case "number":
      return "abc";
    case "boolean":
      return "yes";
    case "array":
      return "not-a-list";
    case "object":
      return "not-an-object";
    default:
      return undefined;
  }
}

/** Values of the wrong type or out of range for a query parameter. */
function badQueryValues(schema: Schema): string[] {
  const type = typesOf(schema).find((x) => x !== "null");
  if (schema.enum) return ["nope", ""];
  switch (type) {
    case "integer":
    case "number":
      return ["abc", "-1", "0.5", "99999999999999999999", "1e400"];
    case "boolean":
      return ["maybe"];
    default:
      return [];
  }
}

/** The operation's URL; `raw` path values are put in as given, already URL-encoded. */
function urlOf(op: Op, raw: Record<string, string> = {}, query = ""): string {
  const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const given = raw[name];
    if (given !== undefined) return given;
    const param = op.params.find((p) => p.in === "path" && p.name === name);
    return encodeURIComponent(String(sample(param?.schema ?? { type: "string" })));
  });
  return query ? `${path}?${query}` : path;
}

describe(`every operation of the OpenAPI document refuses bad input (${testDatabase})`, () => {
  let t: TestApp;
  let owner: TestUser;
  let ops: Op[] = [];
  const problems: string[] = [];
  let sent = 0;
  // Ids of real records, so that what a query is checked against is there.
  const existing: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp();
    owner = await createAccount(t.ctx);
    const conversation = await call<{ id: number; contact: { id: number } }>(t.app, {
      method: "POST",
      url: "/api/v1/conversations",
      headers: owner.headers,
      payload: { subject: "Fuzz", contact: { name: "Fuzz", email: "fuzz@example.test" }, body: "Hello" },
    });
    expect(conversation.status).toBe(201);
    existing["/api/v1/conversations/"] = String(conversation.body.id);
    existing["/api/v1/contacts/"] = String(conversation.body.contact.id);
    const doc = await call<{ paths: Record<string, Record<string, Operation>> }>(t.app, {
      method: "GET",
      url: "/api/v1/openapi.json",
    });
    ops = Object.entries(doc.body.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        method: method.toUpperCase() as Op["method"],
        path,
        label: `${method.toUpperCase()} ${path}`,
        isPublic: Array.isArray(op.security) && op.security.length === 0,
        params: op.parameters ?? [],
        body: op.requestBody?.content["application/json"].schema ?? null,
      })),
    );
  });
  afterAll(() => t.close());

  // Checks the shape and language of an error answer; notes what is wrong.
  function checkError(label: string, lang: "ar" | "en", res: Reply): void {
    const body = res.body as { error?: { code?: unknown; message?: unknown } } | null;
    const error = body?.error;
    const shaped =
      body !== null &&
      typeof body === "object" &&
      Object.keys(body).length === 1 &&
      error !== undefined &&
      Object.keys(error).sort().join() === "code,message" &&
      typeof error.code === "string" &&
      typeof error.message === "string" &&
      error.message.length > 0;
    if (!shaped) {
      problems.push(`${label} [${lang}]: error body is not {error:{code,message}}: ${JSON.stringify(body)}`);
      return;
    }
    if (lang === "ar" && !ARABIC.test(error.message as string)) {
      problems.push(`${label} [ar]: message is not Arabic: ${error.message}`);
    }
    if (lang === "en" && ARABIC.test(error.message as string)) {
      problems.push(`${label} [en]: message is not English: ${error.message}`);
    }
  }

  /**
   * Sends a request in English and in Arabic; every answer must be a 4xx
   * (never a 5xx) with a well-formed error in the caller's language and must
   * pass `expectation`. Public routes get a client address of their own per
   * request, as their rate limit counts per address.
   */
  async function probe(
    op: Op,
    what: string,
    request: InjectOptions & { headers?: Record<string, string> },
    expectation: (res: Reply) => string | null,
  ): Promise<void> {
    for (const lang of ["en", "ar"] as const) {
      sent += 1;
      const res = await call(t.app, {
        ...request,
        method: op.method,
        headers: { ...(op.isPublic ? freshIp() : {}), ...request.headers, "accept-language": lang },
      });
      const label = `${op.label} ${what}`;
      if (res.status >= 500 || res.status < 400) {
        problems.push(`${label} [${lang}]: status ${res.status} ${JSON.stringify(res.body)}`);
        continue;
      }
      checkError(label, lang, res);
      const wrong = expectation(res);
      if (wrong) problems.push(`${label} [${lang}]: ${wrong}`);
    }
  }

  const status =
    (...allowed: number[]) =>
    (res: Reply) =>
      allowed.includes(res.status) ? null : `status ${res.status}, expected ${allowed.join(" or ")}`;

  const code = (expected: string, mentioning?: string) => (res: Reply) => {
    const error = (res.body as { error: { code: string; message: string } }).error;
    if (res.status !== 400 || error.code !== expected) {
      return `got ${res.status} ${error.code}, expected 400 ${expected}`;
    }
    if (mentioning && !error.message.includes(mentioning)) {
      return `message does not name ${mentioning}: ${error.message}`;
    }
    return null;
  };

  const authed = () => ({ ...owner.headers });
  const json = (payload: unknown) => ({ payload: JSON.stringify(payload) });
  const withJson = (headers: Record<string, string>) => ({ ...headers, "content-type": "application/json" });

  const report = () => {
    const found = problems.splice(0);
    expect(found).toEqual([]);
  };

  it("reads a document with the whole API in it", () => {
    expect(ops.length).toBeGreaterThan(30);
    expect(ops.filter((op) => op.isPublic).map((op) => op.label)).toEqual(
      expect.arrayContaining(["POST /api/v1/auth/login", "POST /api/v1/invitations/accept"]),
    );
  });

  it("answers 401 without credentials, except on public operations", async () => {
    for (const op of ops) {
      const payload = op.body ? json(sample(op.body)) : {};
      const headers = op.body ? withJson({}) : {};
      if (op.isPublic) {
        await probe(op, "without credentials", { url: urlOf(op), headers, ...payload }, () => null);
      } else {
        await probe(op, "without credentials", { url: urlOf(op), headers, ...payload }, (res) => {
          const error = (res.body as { error: { code: string } }).error;
          return res.status === 401 && error.code === "unauthorized"
            ? null
            : `got ${res.status} ${error.code}`;
        });
      }
    }
    report();
  });

  it("answers malformed JSON with 400 invalid_json", async () => {
    for (const op of ops.filter((o) => o.body)) {
      for (const text of ['{"name": ', "{not json}", "[1, 2", "'single'"]) {
        await probe(
          op,
          `with body ${text}`,
          { url: urlOf(op), headers: withJson(authed()), payload: text },
          code("invalid_json"),
        );
      }
    }
    report();
  });

  it("answers a body that is not JSON, or not an object, with a 4xx", async () => {
    for (const op of ops.filter((o) => o.body)) {
      await probe(
        op,
        "with a form body",
        {
          url: urlOf(op),
          headers: { ...authed(), "content-type": "application/x-www-form-urlencoded" },
          payload: "a=1",
        },
        status(415),
      );
      for (const payload of ["null", "[]", '"text"', "42", ""]) {
        await probe(
          op,
          `with body ${payload || "(empty)"}`,
          { url: urlOf(op), headers: withJson(authed()), payload },
          status(400),
        );
      }
    }
    report();
  });

  it("refuses an unknown field, at the top and inside nested objects", async () => {
    for (const op of ops.filter((o) => o.body)) {
      const body = op.body as Schema;
      const valid = sample(body) as Record<string, unknown>;
      await probe(
        op,
        "with an unknown field",
        { url: urlOf(op), headers: withJson(authed()), ...json({ ...valid, [UNKNOWN_FIELD]: 1 }) },
        code("validation_failed", UNKNOWN_FIELD),
      );
      for (const [name, prop] of Object.entries(body.properties ?? {})) {
        const nested = mainBranch(prop);
        if (!typesOf(nested).includes("object") || nested.additionalProperties !== false) continue;
        const inner = { ...(sample(nested) as object), [UNKNOWN_FIELD]: 1 };
        await probe(
          op,
          `with an unknown field in ${name}`,
          { url: urlOf(op), headers: withJson(authed()), ...json({ ...valid, [name]: inner }) },
          code("validation_failed", UNKNOWN_FIELD),
        );
      }
    }
    report();
  });

  it("refuses a missing required field and a field of the wrong type, naming the field", async () => {
    for (const op of ops.filter((o) => o.body)) {
      const body = op.body as Schema;
      const valid = sample(body) as Record<string, unknown>;
      for (const name of body.required ?? []) {
        const { [name]: _, ...rest } = valid;
        await probe(
          op,
          `without ${name}`,
          { url: urlOf(op), headers: withJson(authed()), ...json(rest) },
          code("validation_failed", name),
        );
      }
      for (const [name, prop] of Object.entries(body.properties ?? {})) {
        const bad = wrongType(prop);
        if (bad === undefined) continue;
        await probe(
          op,
          `with ${name}: ${JSON.stringify(bad)}`,
          { url: urlOf(op), headers: withJson(authed()), ...json({ ...valid, [name]: bad }) },
          code("validation_failed", name),
        );
      }
    }
    report();
  });

  it("refuses text PostgreSQL cannot store (NUL, half a surrogate pair) and deep nesting", async () => {
    const unstorable = ["a\u0000b", "a\ud800b", "\udc00"];
    for (const op of ops.filter((o) => o.body)) {
      const body = op.body as Schema;
      const valid = sample(body) as Record<string, unknown>;
      for (const [name, prop] of Object.entries(body.properties ?? {})) {
        const branch = mainBranch(prop);
        const text = typesOf(branch).includes("string") && !branch.enum && !branch.format;
        const list = typesOf(branch).includes("array") && typesOf(branch.items ?? {}).includes("string");
        if (!text && !list) continue;
        for (const bad of unstorable) {
          await probe(
            op,
            `with ${JSON.stringify(bad)} in ${name}`,
            {
              url: urlOf(op),
              headers: withJson(authed()),
              ...json({ ...valid, [name]: text ? bad : [bad] }),
            },
            code("validation_failed"),
          );
        }
      }
      for (const bad of unstorable) {
        await probe(
          op,
          `with ${JSON.stringify(bad)} in a key`,
          { url: urlOf(op), headers: withJson(authed()), ...json({ ...valid, [bad]: 1 }) },
          code("validation_failed"),
        );
      }
      const deep = `${"[".repeat(5000)}${"]".repeat(5000)}`;
      await probe(
        op,
        "with lists nested 5000 deep",
        { url: urlOf(op), headers: withJson(authed()), payload: `{"${UNKNOWN_FIELD}":${deep}}` },
        code("validation_failed"),
      );
    }
    for (const op of ops.filter((o) => o.params.some((p) => p.in === "query"))) {
      for (const param of op.params.filter((p) => p.in === "query" && typesOf(p.schema).includes("string"))) {
        if (param.schema.enum) continue;
        for (const bad of ["a%00b", "%00"]) {
          await probe(
            op,
            `with ?${param.name}=${bad}`,
            { url: urlOf(op, {}, `${param.name}=${bad}`), headers: authed() },
            status(400),
          );
        }
      }
    }
    report();
  });

  it("answers malformed path ids with 400 and ids that name nothing with 400 or 404", async () => {
    for (const op of ops.filter((o) => o.params.some((p) => p.in === "path"))) {
      const payload = op.body ? json(sample(op.body)) : {};
      const headers = op.body ? withJson(authed()) : authed();
      for (const param of op.params.filter((p) => p.in === "path")) {
        const numeric = typesOf(param.schema).includes("integer");
        const malformed = numeric
          ? ["abc", "-1", "0", "1.5", "99999999999999999999", "1e3", "%201", "0x10", "%00", "%FF", "1;2"]
          : ["%00", "x".repeat(500), "..%2F..%2Fetc", "%FF%FE", "ki_1_short", "ki_99999999999999999999_x"];
        for (const value of malformed) {
          await probe(
            op,
            `with ${param.name}=${value.slice(0, 30)}`,
            { url: urlOf(op, { [param.name]: value }), headers, ...payload },
            numeric ? status(400) : status(400, 404, 410),
          );
        }
        if (numeric) {
          await probe(
            op,
            `with ${param.name} of nothing`,
            { url: urlOf(op, { [param.name]: "987654321" }), headers, ...payload },
            status(400, 404),
          );
        }
      }
    }
    report();
  });

  it("refuses query parameters of the wrong type, out of range, and bad cursors", async () => {
    for (const op of ops.filter((o) => o.params.some((p) => p.in === "query"))) {
      const prefix = Object.keys(existing).find((p) => op.path.startsWith(`${p}{id}`));
      const pathValues: Record<string, string> = prefix ? { id: existing[prefix] as string } : {};
      const required = op.params.filter((p) => p.in === "query" && (p as { required?: boolean }).required);
      const base = required.map((p) => `${p.name}=${encodeURIComponent(String(sample(p.schema)))}`);
      for (const param of op.params.filter((p) => p.in === "query")) {
        const values =
          param.name === "cursor"
            ? ["abc", "!!!", "W10", "WyJ4Il0", "x".repeat(500), ...ODD_CURSORS]
            : [...badQueryValues(param.schema), ...(param.name === "limit" ? ["0", "100000"] : [])];
        for (const value of values) {
          const query = [...base.filter((b) => !b.startsWith(`${param.name}=`)), `${param.name}=${value}`];
          await probe(
            op,
            `with ?${param.name}=${value.slice(0, 30)}`,
            { url: urlOf(op, pathValues, query.join("&")), headers: authed() },
            status(400),
          );
        }
        // The same parameter twice is not one value.
        if (param.name !== "cursor" && badQueryValues(param.schema).length > 0) {
          const valid = encodeURIComponent(String(sample(param.schema)));
          const query = [...base.filter((b) => !b.startsWith(`${param.name}=`))];
          query.push(`${param.name}=${valid}`, `${param.name}=${valid}`);
          await probe(
            op,
            `with ?${param.name} twice`,
            { url: urlOf(op, pathValues, query.join("&")), headers: authed() },
            status(400),
          );
        }
      }
    }
    report();
  });

  it("sent every case to every operation", () => {
    // A guard against a walk that silently skips: the cases above add up to well over a thousand requests.
    expect(sent).toBeGreaterThan(1500);
  });
});
