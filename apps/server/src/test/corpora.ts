import fs from "node:fs";
import path from "node:path";

const repoRoot = path.resolve(__dirname, "../../../..");

/**
 * Where the shared real-world test corpora are: KHIDMA_CORPORA when set,
 * else a `shared/corpora` folder beside the checkout or beside any folder
 * above it (a clone may sit deeper than the working copy). Null when there is
 * none: the suites that read them then skip and say so.
 */
export function corporaDir(): string | null {
  if (process.env.KHIDMA_CORPORA) return process.env.KHIDMA_CORPORA;
  for (let dir = path.dirname(repoRoot); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "shared", "corpora");
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return null;
  }
}

/** A path inside the corpora, or a path that does not exist when there are none. */
export function corpusPath(...parts: string[]): string {
  return path.join(corporaDir() ?? path.join(repoRoot, "..", "shared", "corpora"), ...parts);
}
