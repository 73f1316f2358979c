import os from "node:os";
import path from "node:path";

/** Process configuration, read once from the environment. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  /** DATABASE_POOL_SIZE: PostgreSQL connections of this process (see defaultPoolSize). */
  databasePoolSize: number;
  /** Redis for live updates (and shared limits) across several nodes; in-process when null. */
  redisUrl: string | null;
  /** How often agent sockets are pinged; one missed pong drops the socket. */
  wsHeartbeatMs: number;
  adminEmail: string | null;
  adminPassword: string | null;
  demo: boolean;
  /** KHIDMA_SECRET: the key material for secrets at rest (mailbox passwords); see platform/crypto.ts. */
  secret: string;
  /** SMTP_PORT: the built-in SMTP receiver's port; off when null. */
  smtpPort: number | null;
  /** SMTP_TLS_KEY and SMTP_TLS_CERT: PEM files; when set, the SMTP receiver offers STARTTLS. */
  smtpTls: { keyFile: string; certFile: string } | null;
  /** KHIDMA_ATTACHMENT_LIMIT: the largest attachment stored, in bytes. */
  attachmentLimit: number;
  /** KHIDMA_CHAT_LIMIT_SCALE: multiplies the live-chat rate limits (1 by default; raise for load tests). */
  chatLimitScale: number;
  bodyLimit: number;
  publicUrl: string | null;
  role: "all" | "web" | "worker";
  logLevel: string;
  webDist: string | null;
  /** Trust X-Forwarded-* from a proxy in front (client address for rate limits). */
  trustProxy: boolean;
  /** Fail answers of authenticated routes that ran no policy check (tests and development). */
  policyGuard: boolean;
}

/** Reads configuration from an environment map (process.env by default). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const role = env.KHIDMA_ROLE ?? "all";
  if (role !== "all" && role !== "web" && role !== "worker") {
    throw new Error(`KHIDMA_ROLE must be all, web or worker (got "${role}")`);
  }
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a port number (got "${env.PORT}")`);
  }
  return {
    port,
    host: env.HOST ?? "0.0.0.0",
    dataDir: path.resolve(env.DATA_DIR ?? "./data"),
    databaseUrl: env.DATABASE_URL || null,
    databasePoolSize: positiveInt(env.DATABASE_POOL_SIZE, defaultPoolSize(), "DATABASE_POOL_SIZE"),
    redisUrl: env.REDIS_URL || null,
    wsHeartbeatMs: Number(env.KHIDMA_WS_HEARTBEAT_MS ?? 25_000),
    adminEmail: env.KHIDMA_ADMIN_EMAIL || null,
    adminPassword: env.KHIDMA_ADMIN_PASSWORD || null,
    demo: env.KHIDMA_DEMO !== "0",
    secret: env.KHIDMA_SECRET ?? "",
    smtpPort: optionalPort(env.SMTP_PORT, "SMTP_PORT"),
    smtpTls: smtpTls(env.SMTP_TLS_KEY, env.SMTP_TLS_CERT),
    attachmentLimit: positiveInt(env.KHIDMA_ATTACHMENT_LIMIT, 25 * 1024 * 1024, "KHIDMA_ATTACHMENT_LIMIT"),
    chatLimitScale: positiveInt(env.KHIDMA_CHAT_LIMIT_SCALE, 1, "KHIDMA_CHAT_LIMIT_SCALE"),
    bodyLimit: Number(env.KHIDMA_BODY_LIMIT ?? 1024 * 1024),
    publicUrl: env.KHIDMA_PUBLIC_URL || null,
    role,
    logLevel: env.LOG_LEVEL ?? "info",
    webDist: env.KHIDMA_WEB_DIST || null,
    trustProxy: env.KHIDMA_TRUST_PROXY === "1" || env.KHIDMA_TRUST_PROXY === "true",
    policyGuard: env.KHIDMA_POLICY_GUARD === "1" || env.KHIDMA_POLICY_GUARD === "true",
  };
}

/**
 * Connections per process when DATABASE_POOL_SIZE is unset: twice this
 * machine's CPUs plus one. More connections than the database has cores to
 * run them make writes slower, not faster: they wait on each other's index
 * and buffer locks (creating conversations on 2 cores ran about a fifth
 * faster with 5 connections than with 10).
 */
export function defaultPoolSize(): number {
  return 2 * os.availableParallelism() + 1;
}

function smtpTls(key: string | undefined, cert: string | undefined): Config["smtpTls"] {
  if (!key && !cert) return null;
  if (!key || !cert) throw new Error("SMTP_TLS_KEY and SMTP_TLS_CERT must be set together (PEM files)");
  return { keyFile: path.resolve(key), certFile: path.resolve(cert) };
}

function optionalPort(raw: string | undefined, name: string): number | null {
  if (raw === undefined || raw === "") return null;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`${name} must be a port number (got "${raw}")`);
  return port;
}

function positiveInt(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`${name} must be a positive whole number (got "${raw}")`);
  return value;
}
