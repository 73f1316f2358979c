import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ERROR_CODES } from "@khidma/contracts";
import { describe, expect, it } from "vitest";
import { catalogKeys, t } from "./i18n";

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ARABIC = /[\u0600-\u06FF]/;

// Every server source file but the tests: the strings they can show a user.
function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "test" ? [] : sourceFiles(full);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [full] : [];
  });
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? "").sort();
}

/** Catalog keys named in the code, with where each was found. */
function keysUsedInCode(): Map<string, string> {
  const used = new Map<string, string>();
  const patterns = [
    // t(lang, "key") and t(request.lang, "key", ...)
    /\bt\(\s*[\w.]+\s*,\s*"([^"]+)"/g,
    // AppError params whose value is a message key: { detail: "..." }, { resource: "..." }
    /\b(?:detail|resource):\s*"([^"]+)"/g,
    // Any string shaped like a key of the message families.
    /"((?:error|validation|conflict|resource)\.[A-Za-z_]+)"/g,
  ];
  for (const file of sourceFiles(SRC)) {
    const text = fs.readFileSync(file, "utf8");
    for (const pattern of patterns) {
      for (const m of text.matchAll(pattern)) {
        if (m[1]) used.set(m[1], path.relative(SRC, file));
      }
    }
    // Keys built from a validation keyword: `validation.${e.keyword}` after a run of cases.
    for (const m of text.matchAll(/((?:case "\w+":\s*)+)return t\(lang, `validation\.\$\{e\.keyword\}`/g)) {
      for (const c of (m[1] ?? "").matchAll(/case "(\w+)"/g)) {
        used.set(`validation.${c[1]}`, path.relative(SRC, file));
      }
    }
  }
  return used;
}

describe("message catalogs", () => {
  const { ar, en } = catalogKeys();

  it("have the same keys in Arabic and English", () => {
    expect([...ar].sort()).toEqual([...en].sort());
  });

  it("have the same placeholders in both languages, and Arabic text in Arabic", () => {
    for (const key of en) {
      expect(placeholders(t("ar", key)), key).toEqual(placeholders(t("en", key)));
      expect(t("ar", key), key).toMatch(ARABIC);
    }
  });

  it("have a message for every error code", () => {
    for (const code of ERROR_CODES) {
      expect(en, code).toContain(`error.${code}`);
      expect(ar, code).toContain(`error.${code}`);
    }
  });

  it("have every key the server code uses", () => {
    const used = keysUsedInCode();
    // The scan must see the code: a broken pattern would pass vacuously.
    expect(used.size).toBeGreaterThan(40);
    expect(used.has("validation.minLength")).toBe(true);
    const missing = [...used].filter(([key]) => !en.includes(key) || !ar.includes(key));
    expect(missing.map(([key, file]) => `${key} (${file})`)).toEqual([]);
  });
});
