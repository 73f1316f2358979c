/** Folds one character for matching, keeping one character per character so offsets stay valid. */
function foldChar(ch: string): string {
  const lower = ch.toLowerCase();
  if (lower.length !== 1) return ch;
  if ("أإآٱ".includes(lower)) return "ا";
  if (lower === "ى") return "ي";
  if (lower === "ة") return "ه";
  if (lower === "ؤ") return "و";
  if (lower === "ئ") return "ي";
  return lower;
}

function fold(text: string): string {
  return Array.from(text, (ch) => (ch.length === 1 ? foldChar(ch) : ch)).join("");
}

/** A piece of a snippet, marked when it matches a word of the query. */
export interface SnippetPart {
  text: string;
  match: boolean;
}

/**
 * Splits a snippet into matching and non-matching parts for the words of a
 * query, ignoring case and Arabic letter variants (أ/إ/ا, ى/ي, ة/ه).
 */
export function highlightParts(text: string, query: string): SnippetPart[] {
  const words = [
    ...new Set(
      fold(query)
        .split(/\s+/)
        .filter((word) => word.length >= 2),
    ),
  ];
  if (!words.length) return [{ text, match: false }];
  // Folding is per UTF-16 unit except astral characters, which are kept; offsets line up.
  const folded = fold(text);
  const marks = new Array<boolean>(text.length).fill(false);
  for (const word of words) {
    for (let at = folded.indexOf(word); at >= 0; at = folded.indexOf(word, at + word.length)) {
      for (let i = at; i < at + word.length; i++) marks[i] = true;
    }
  }
  const parts: SnippetPart[] = [];
  for (let i = 0; i < text.length; i++) {
    const match = marks[i] ?? false;
    const last = parts[parts.length - 1];
    if (last && last.match === match) last.text += text[i];
    else parts.push({ text: text[i] ?? "", match });
  }
  return parts;
}
