import { createRequire } from "node:module";

const requireCommonJs = createRequire(import.meta.url);

/**
 * Loads a CommonJS package the first time it is asked for. The mail, IMAP
 * and Redis libraries weigh tens of megabytes each once loaded; a server
 * that never receives mail or has no REDIS_URL should not carry them.
 */
export function lazyPackage<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => {
    loaded ??= requireCommonJs(name) as T;
    return loaded;
  };
}
