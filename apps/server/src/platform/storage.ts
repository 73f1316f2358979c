import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Config } from "./config";
import { sniffContentType } from "./sniff";

/** A stored file: where it is and what it is. */
export interface StoredFile {
  sha256: string;
  storageKey: string;
  size: number;
  contentType: string;
}

/** Thrown when a file is larger than KHIDMA_ATTACHMENT_LIMIT. */
export class FileTooLargeError extends Error {
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`the file is ${size} bytes, over the limit of ${limit} bytes`);
  }
}

let memoryRoot: string | null = null;

/**
 * The directory of attachment files: DATA_DIR/attachments, or a temporary
 * directory of this process for the in-memory test database.
 */
export function storageRoot(config: Pick<Config, "dataDir">): string {
  if (config.dataDir === ":memory:") {
    memoryRoot ??= fs.mkdtempSync(path.join(os.tmpdir(), "khidma-files-"));
    return memoryRoot;
  }
  return path.join(config.dataDir, "attachments");
}

// Keys are content addresses; anything else would let a crafted key escape the root.
const KEY = /^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/;

function fileOf(config: Pick<Config, "dataDir">, key: string): string {
  if (!KEY.test(key)) throw new Error("not a storage key");
  return path.join(storageRoot(config), key);
}

/**
 * Stores bytes under their sha256 (the same content is kept once), written
 * to a temporary name and renamed, so a reader never sees half a file and a
 * crash leaves no partial file under the real name.
 */
export async function putFile(
  config: Pick<Config, "dataDir" | "attachmentLimit">,
  data: Buffer,
  meta: { declaredType?: string | null; filename?: string | null } = {},
): Promise<StoredFile> {
  if (data.length > config.attachmentLimit) throw new FileTooLargeError(data.length, config.attachmentLimit);
  const sha256 = createHash("sha256").update(data).digest("hex");
  const storageKey = `${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
  const file = fileOf(config, storageKey);
  const stored = {
    sha256,
    storageKey,
    size: data.length,
    contentType: sniffContentType(data, meta.declaredType, meta.filename),
  };
  try {
    const stat = await fs.promises.stat(file);
    if (stat.size === data.length) return stored;
  } catch {
    // Not there yet.
  }
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  const handle = await fs.promises.open(temp, "w", 0o640);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.promises.rename(temp, file);
  return stored;
}

/** A read stream of a stored file; rejects with ENOENT when it is gone. */
export async function openFile(config: Pick<Config, "dataDir">, storageKey: string): Promise<fs.ReadStream> {
  const file = fileOf(config, storageKey);
  await fs.promises.access(file, fs.constants.R_OK);
  return fs.createReadStream(file);
}

/** The bytes of a stored file (for small files and tests). */
export async function readFile(config: Pick<Config, "dataDir">, storageKey: string): Promise<Buffer> {
  return fs.promises.readFile(fileOf(config, storageKey));
}
