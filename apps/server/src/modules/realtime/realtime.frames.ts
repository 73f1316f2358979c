import { type Static, type TSchema, Type } from "@sinclair/typebox";
import { type TypeCheck, TypeCompiler } from "@sinclair/typebox/compiler";

/** Frames larger than this get an error frame (the socket itself closes past 64 KiB). */
export const MAX_FRAME_BYTES = 4096;

const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });

/** Every frame an agent's app may send, strict: unknown fields are refused. */
const frames = {
  ping: Type.Object({ type: Type.Literal("ping") }, { additionalProperties: false }),
  subscribe: Type.Object(
    { type: Type.Literal("subscribe"), conversationId: Id },
    { additionalProperties: false },
  ),
  unsubscribe: Type.Object(
    { type: Type.Literal("unsubscribe"), conversationId: Id },
    { additionalProperties: false },
  ),
  typing: Type.Object(
    { type: Type.Literal("typing"), conversationId: Id, typing: Type.Boolean() },
    { additionalProperties: false },
  ),
  presence: Type.Object(
    { type: Type.Literal("presence"), status: Type.Union([Type.Literal("online"), Type.Literal("away")]) },
    { additionalProperties: false },
  ),
};

/** A frame from the agent app, once checked. */
export type AgentFrame = { [K in keyof typeof frames]: Static<(typeof frames)[K]> }[keyof typeof frames];

const checkers = new Map<string, TypeCheck<TSchema>>(
  Object.entries(frames).map(([type, schema]) => [type, TypeCompiler.Compile(schema as TSchema)]),
);

/** Why a frame was refused: an i18n key with its parameters. */
export interface FrameProblem {
  code: "frame_invalid" | "frame_too_large" | "unknown_type";
  params: Record<string, string | number>;
}

/** Parses and checks one text frame; a problem when it is not one of the known frames. */
export function parseFrame(raw: string): { frame: AgentFrame } | { problem: FrameProblem } {
  if (Buffer.byteLength(raw) > MAX_FRAME_BYTES) {
    return { problem: { code: "frame_too_large", params: { limit: MAX_FRAME_BYTES } } };
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { problem: { code: "frame_invalid", params: { detail: "realtime.detail_json" } } };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { problem: { code: "frame_invalid", params: { detail: "realtime.detail_object" } } };
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== "string")
    return { problem: { code: "frame_invalid", params: { detail: "realtime.detail_type" } } };
  const checker = checkers.get(type);
  if (!checker) return { problem: { code: "unknown_type", params: { type: type.slice(0, 40) } } };
  if (!checker.Check(value)) {
    const first = checker.Errors(value).First();
    const detail = first ? `${first.path || "/"} ${first.message}` : type;
    return { problem: { code: "frame_invalid", params: { detail: detail.slice(0, 120) } } };
  }
  return { frame: value as AgentFrame };
}
