import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import type { FastifyInstance } from "fastify";

interface Asset {
  body: Buffer;
  gzip: Buffer;
  etag: string;
  mtimeMs: number;
}

/** Where the built widget bundle is: apps/widget/dist/widget.js. */
export function defaultWidgetBundle(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // Source (src/modules/chat) and the server bundle (dist/) sit at different depths.
  const candidates = [
    path.resolve(here, "../../../../widget/dist/widget.js"),
    path.resolve(here, "../../widget/dist/widget.js"),
  ];
  return candidates.find((file) => fs.existsSync(file)) ?? (candidates[0] as string);
}

/**
 * Serves GET /widget.js, the embeddable widget, gzipped when the browser
 * takes it, with an ETag and a short public cache: sites embed one fixed URL,
 * so a new release must reach them within minutes, and revalidation is cheap.
 * The file is re-read when it changes on disk (a rebuild needs no restart).
 */
export function registerWidgetAsset(app: FastifyInstance, file = defaultWidgetBundle()): void {
  let cached: Asset | null = null;
  const load = (): Asset | null => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      return null;
    }
    if (cached && cached.mtimeMs === stat.mtimeMs) return cached;
    const body = fs.readFileSync(file);
    cached = {
      body,
      gzip: gzipSync(body, { level: 9 }),
      etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`,
      mtimeMs: stat.mtimeMs,
    };
    return cached;
  };

  app.get("/widget.js", { schema: { hide: true }, config: { public: true } }, async (request, reply) => {
    const asset = load();
    if (!asset) {
      return reply.code(404).type("text/javascript; charset=utf-8").send("/* widget not built */\n");
    }
    reply
      .header("content-type", "text/javascript; charset=utf-8")
      .header("cache-control", "public, max-age=300, stale-while-revalidate=86400")
      .header("etag", asset.etag)
      .header("vary", "Accept-Encoding")
      .header("access-control-allow-origin", "*")
      .header("x-content-type-options", "nosniff");
    if (request.headers["if-none-match"] === asset.etag) return reply.code(304).send();
    if (/\bgzip\b/.test(String(request.headers["accept-encoding"] ?? ""))) {
      return reply.header("content-encoding", "gzip").send(asset.gzip);
    }
    return reply.send(asset.body);
  });
}
