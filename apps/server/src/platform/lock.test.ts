import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "./db";
import { DataDirLockedError, lockDataDir } from "./lock";

const mainTs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../main.ts");

describe("data directory lock", () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "khidma-lock-"));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a second process on the same directory with a clear message", async () => {
    const dir = tempDir();
    const handle = await openDatabase({ databaseUrl: null, dataDir: dir });
    try {
      const child = spawnSync(process.execPath, ["--import", "tsx", mainTs], {
        env: { ...process.env, DATA_DIR: dir, PORT: "0", DATABASE_URL: "", KHIDMA_DEMO: "0" },
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(child.status).toBe(1);
      expect(child.stderr).toContain("Another Khidma process");
      expect(child.stderr).toContain(`pid ${process.pid}`);
    } finally {
      await handle.close();
    }
    expect(fs.existsSync(path.join(dir, "khidma.lock"))).toBe(false);
  });

  it("takes over a lock left by a process that died", () => {
    const dir = tempDir();
    // A pid that cannot be alive: beyond the kernel's pid range.
    fs.writeFileSync(path.join(dir, "khidma.lock"), "4194305");
    const release = lockDataDir(dir);
    expect(fs.readFileSync(path.join(dir, "khidma.lock"), "utf8")).toBe(String(process.pid));
    release();
  });

  it("refuses while this process's lock is held by another live process", () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "khidma.lock"), "1");
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
  });
});
