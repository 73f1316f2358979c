import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret } from "./crypto";
import { AppError } from "./errors";

describe("secrets at rest", () => {
  it("refuses a tampered value and a different key", () => {
    const a = { secret: "key-one", dataDir: ":memory:", databaseUrl: null };
    const sealed = encryptSecret(a, "hunter2");
    const raw = Buffer.from(sealed.slice(3), "base64");
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    expect(() => decryptSecret(a, `v1:${raw.toString("base64")}`)).toThrow();
    expect(() => decryptSecret({ ...a, secret: "key-two" }, sealed)).toThrow();
    expect(() => decryptSecret(a, "plain text")).toThrow();
  });

  it("round-trips with KHIDMA_SECRET and never stores the plain text", () => {
    const config = { secret: "k".repeat(40), dataDir: ":memory:", databaseUrl: null };
    const sealed = encryptSecret(config, "كلمة-سر password");
    expect(sealed.startsWith("v1:")).toBe(true);
    expect(sealed).not.toContain("password");
    expect(encryptSecret(config, "same")).not.toBe(encryptSecret(config, "same"));
    expect(decryptSecret(config, sealed)).toBe("كلمة-سر password");
  });

  it("without KHIDMA_SECRET keeps a generated key in DATA_DIR/secret.key with mode 0600", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "khidma-key-"));
    try {
      const config = { secret: "", dataDir: dir, databaseUrl: null };
      const sealed = encryptSecret(config, "s3cret");
      const stat = fs.statSync(path.join(dir, "secret.key"));
      expect(stat.mode & 0o777).toBe(0o600);
      expect(decryptSecret(config, sealed)).toBe("s3cret");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses to store secrets when no key can be kept", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "khidma-ro-")), "not-a-dir");
    fs.writeFileSync(file, "x");
    const config = { secret: "", dataDir: file, databaseUrl: "postgres://x" };
    let caught: unknown;
    try {
      encryptSecret(config, "x");
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).params.detail).toBe("conflict.secret_unavailable");
  });
});
