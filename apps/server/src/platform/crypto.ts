import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Config } from "./config";
import { AppError } from "./errors";

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

// Keys by their source, so the key file is read (or written) once per process.
const keys = new Map<string, Buffer>();
let memoryKey: Buffer | null = null;

function deriveKey(material: string): Buffer {
  return createHash("sha256").update(`khidma-secrets:${material}`).digest();
}

function keyFile(dataDir: string): string {
  return path.join(dataDir, "secret.key");
}

// Without KHIDMA_SECRET the key lives next to the data: generated once with
// owner-only access. A node that cannot keep it on disk cannot keep secrets,
// since a key lost at restart would make every stored password unreadable.
function loadOrCreateKeyFile(dataDir: string): Buffer {
  const file = keyFile(dataDir);
  try {
    return deriveKey(fs.readFileSync(file, "utf8").trim());
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const material = randomBytes(32).toString("base64url");
  try {
    fs.writeFileSync(file, `${material}\n`, { mode: 0o600, flag: "wx" });
  } catch (err) {
    // Another process wrote it first: use theirs.
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    return deriveKey(fs.readFileSync(file, "utf8").trim());
  }
  return deriveKey(material);
}

/**
 * The key for secrets at rest: from KHIDMA_SECRET when set; otherwise from
 * DATA_DIR/secret.key (made on first use, mode 0600); in memory for the
 * in-memory test database. Throws 409 `conflict.secret_unavailable` when no
 * key can be kept (PostgreSQL with a data directory that cannot be written).
 */
export function secretKey(config: Pick<Config, "secret" | "dataDir" | "databaseUrl">): Buffer {
  if (config.secret) {
    const cached = keys.get(`env:${config.secret}`);
    if (cached) return cached;
    const key = deriveKey(config.secret);
    keys.set(`env:${config.secret}`, key);
    return key;
  }
  if (config.dataDir === ":memory:") {
    memoryKey ??= randomBytes(32);
    return memoryKey;
  }
  const cached = keys.get(`file:${config.dataDir}`);
  if (cached) return cached;
  try {
    const key = loadOrCreateKeyFile(config.dataDir);
    keys.set(`file:${config.dataDir}`, key);
    return key;
  } catch {
    throw new AppError("conflict", { detail: "conflict.secret_unavailable" });
  }
}

/** Encrypts a secret (a mailbox password) with AES-256-GCM; the result is `v1:<base64>`. */
export function encryptSecret(
  config: Pick<Config, "secret" | "dataDir" | "databaseUrl">,
  plain: string,
): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", secretKey(config), iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64")}`;
}

/** Decrypts what encryptSecret made; throws when the key changed or the value was altered. */
export function decryptSecret(
  config: Pick<Config, "secret" | "dataDir" | "databaseUrl">,
  sealed: string,
): string {
  const [version, data] = sealed.split(":", 2);
  if (version !== VERSION || !data) throw new Error("not an encrypted secret");
  const raw = Buffer.from(data, "base64");
  if (raw.length < IV_BYTES + TAG_BYTES) throw new Error("encrypted secret is truncated");
  const decipher = createDecipheriv("aes-256-gcm", secretKey(config), raw.subarray(0, IV_BYTES));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
    "utf8",
  );
}
