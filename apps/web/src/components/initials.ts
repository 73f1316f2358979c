const ARABIC = /[\u0600-\u06FF]/;

/**
 * Initials of a name: two Latin letters ("Emily Carter" → "EC"), or for an
 * Arabic name the first letter of the given name, since joined Arabic letters
 * read as a word and the article "ال" would otherwise stand for the family name.
 */
export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = words[0];
  if (!first) return "?";
  if (ARABIC.test(first)) return Array.from(first)[0] ?? "?";
  const last = words.length > 1 ? words[words.length - 1] : undefined;
  const letters = last ? [Array.from(first)[0], Array.from(last)[0]] : Array.from(first).slice(0, 2);
  return letters.join("").toUpperCase();
}
