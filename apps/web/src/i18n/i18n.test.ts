import { describe, expect, it } from "vitest";
import ar from "./ar.json";
import en from "./en.json";

const PLURAL = /_(zero|one|two|few|many|other)$/;

function flatten(value: unknown, prefix = ""): string[] {
  if (typeof value !== "object" || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => flatten(child, prefix ? `${prefix}.${key}` : key));
}

/** Keys without plural suffixes: Arabic has six plural forms where English has two. */
function baseKeys(catalog: unknown): string[] {
  return [...new Set(flatten(catalog).map((key) => key.replace(PLURAL, "")))].sort();
}

function pluralForms(catalog: unknown): Map<string, Set<string>> {
  const forms = new Map<string, Set<string>>();
  for (const key of flatten(catalog)) {
    const match = PLURAL.exec(key);
    if (!match?.[1]) continue;
    const base = key.replace(PLURAL, "");
    const set = forms.get(base) ?? new Set<string>();
    set.add(match[1]);
    forms.set(base, set);
  }
  return forms;
}

describe("web i18n catalogs", () => {
  it("have the same keys in Arabic and English", () => {
    expect(baseKeys(ar)).toEqual(baseKeys(en));
  });

  it("have no empty strings", () => {
    for (const catalog of [ar, en]) {
      const empty = flatten(catalog).filter((key) => {
        const value = key
          .split(".")
          .reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], catalog);
        return typeof value !== "string" || value.trim() === "";
      });
      expect(empty).toEqual([]);
    }
  });

  it("give every plural all the forms its language needs", () => {
    for (const [base, forms] of pluralForms(en)) {
      expect([base, [...forms].sort()]).toEqual([base, ["one", "other"]]);
    }
    for (const [base, forms] of pluralForms(ar)) {
      expect([base, [...forms].sort()]).toEqual([base, ["few", "many", "one", "other", "two", "zero"]]);
    }
  });
});
