import fs from "node:fs";
import path from "node:path";

/**
 * Holds an exclusive lock on a data directory for this process. PGlite must
 * be opened by one process only: a second opener would silently lose writes,
 * so it is refused with a message that says who holds the lock.
 */
export function lockDataDir(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "khidma.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(file, "wx");
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          if (fs.readFileSync(file, "utf8") === String(process.pid)) fs.unlinkSync(file);
        } catch {
          // already gone
        }
      };
      process.once("exit", release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = Number(fs.readFileSync(file, "utf8").trim());
      if (holder && holder !== process.pid && isAlive(holder)) {
        throw new DataDirLockedError(dir, holder);
      }
      // The holder died without cleaning up: take the lock over.
      fs.rmSync(file, { force: true });
    }
  }
  throw new DataDirLockedError(dir, 0);
}

/** Raised when another live process holds the data directory. */
export class DataDirLockedError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `Another Khidma process${pid ? ` (pid ${pid})` : ""} is already using the data directory ${dir}. ` +
        "The embedded database can be opened by one process only: stop the other process, " +
        "choose another DATA_DIR, or set DATABASE_URL to use a PostgreSQL server.",
    );
    this.name = "DataDirLockedError";
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
