import { stemmer as arabicStemmer } from "@orama/stemmers/arabic";
import { stemmer as englishStemmer } from "@orama/stemmers/english";

/**
 * Arabic and English text folding for search. Stored documents and queries go
 * through the same steps, so the forms a person types match the forms a
 * customer wrote: «إعادة» and «اعاده» fold to one word, «بالاسترجاع» and
 * «الاسترجاع» share the key «استرجاع», "refunds" shares "refund".
 *
 * A word is indexed under several keys (the word, its cores without the
 * clitic prefixes و ف ب ك ل ال وال بال فال كال لل, those cores without common
 * suffixes, and the Snowball stems). A query word matches a document word when
 * their key sets meet, which makes every equivalence hold in both directions
 * without having to decide whether the «ب» of «بطاقة» is a preposition.
 */

// Arabic harakat, Quranic marks, superscript alef; Latin combining accents
// (after NFKD, so "é" becomes "e"). Marks of other scripts are kept: they are
// part of the letters there.
const MARKS =
  /[\u0300-\u036F\u1AB0-\u1AFF\u1DC0-\u1DFF\u20D0-\u20FF\uFE20-\uFE2F\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u08D3-\u08FF]/g;
// Tatweel, direction marks, zero-width characters, soft hyphen, BOM: they
// change how text looks, never what it says, and would split or hide words.
const INVISIBLE = /[\u0640\u00AD\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

const LETTERS: Record<string, string> = {
  "\u0671": "\u0627", // ٱ alef wasla
  "\u0672": "\u0627", // ٲ
  "\u0673": "\u0627", // ٳ
  "\u0675": "\u0627", // ٵ
  "\u0674": "", // ٴ high hamza
  "\u0629": "\u0647", // ة → ه
  "\u06C3": "\u0647", // ۃ
  "\u06BE": "\u0647", // ھ
  "\u06C1": "\u0647", // ہ
  "\u06D5": "\u0647", // ە
  "\u0649": "\u064A", // ى → ي
  "\u06CC": "\u064A", // ی Persian yeh, from Persian keyboards
  "\u06D2": "\u064A", // ے
  "\u06A9": "\u0643", // ک keheh → ك
  "\u060C": ",", // ،
  "\u061B": ";", // ؛
  "\u061F": "?", // ؟
  "\u066A": "%", // ٪
  "\u066B": ".", // ٫ decimal separator
  "\u066C": ",", // ٬ thousands separator
  "\u06D4": ".", // ۔
};
const LETTER_RE = new RegExp(`[${Object.keys(LETTERS).join("")}]`, "g");

/** Folds one piece of text without touching its spacing (each code point folds on its own). */
function fold(input: string): string {
  return (
    input
      // NFKD splits أ إ آ ؤ ئ into a letter and a hamza or madda mark, which
      // MARKS then removes, and turns presentation forms (ﻻ, ﺃ) into letters.
      .normalize("NFKD")
      .toLowerCase()
      .replace(MARKS, "")
      .replace(INVISIBLE, "")
      .replace(LETTER_RE, (c) => LETTERS[c] ?? c)
      .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
      .replace(/[\u06F0-\u06F9]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
      .replace(/\s/g, " ")
      .normalize("NFC")
  );
}

/**
 * Folds Arabic letter variants (hamza and alef forms, taa marbuta, alef
 * maqsura), diacritics, tatweel, invisible marks and Arabic-Indic digits;
 * lower-cases and strips accents from Latin; collapses white space.
 */
export function normalizeText(input: string): string {
  return fold(input).replace(/ {2,}/g, " ").trim();
}

const segmenter = new Intl.Segmenter("ar", { granularity: "word" });
const ARABIC = /[\u0600-\u06FF]/;
const LATIN_WORD = /^[a-z]+$/;
/** Longer runs are identifiers or encoded blobs: trigram search still finds them. */
const MAX_TOKEN = 64;

/**
 * Splits normalised text into word tokens: runs of letters and digits. The
 * segmenter finds words in scripts without spaces; the second split keeps
 * every token a single word for PostgreSQL's parser ("don't" → don, t).
 */
export function tokenize(normalized: string): string[] {
  const out: string[] = [];
  // The segmenter is slow on long strings (seconds for 100 000 characters),
  // so it only sees one space-separated piece at a time, and only a piece
  // that is not already a plain word.
  for (const piece of normalized.split(" ")) {
    if (!piece) continue;
    if (PLAIN_WORD.test(piece)) {
      if (piece.length <= MAX_TOKEN) out.push(piece);
      continue;
    }
    // Latin or Arabic words with punctuation ("don't", "e-mail", "«نعم»"):
    // the split alone finds what the segmenter would, much faster.
    if (SPACED_SCRIPTS.test(piece)) {
      for (const part of piece.split(NOT_WORD)) {
        if (part && part.length <= MAX_TOKEN) out.push(part);
      }
      continue;
    }
    for (const s of segmenter.segment(piece)) {
      if (!s.isWordLike) continue;
      for (const part of s.segment.split(NOT_WORD)) {
        if (part && part.length <= MAX_TOKEN) out.push(part);
      }
    }
  }
  return out;
}

const NOT_WORD = /[^\p{L}\p{M}\p{N}]+/u;

/** Printable ASCII, Arabic letters, digits and punctuation, and common quotes and dashes: words are separated by spaces or punctuation. */
const SPACED_SCRIPTS =
  /^[\x21-\x7e\u00ab\u00bb\u060c\u061b\u061f\u0621-\u064a\u0660-\u066d\u066e-\u06d3\u06d4\u06fa-\u06ff\u2010-\u2027]+$/;

/** A run of Arabic or Latin letters and digits: its own single token. */
const PLAIN_WORD = /^[a-z0-9\u0621-\u064A\u0660-\u0669\u066E-\u06D3\u06FA-\u06FF]+$/;

/** The Snowball stem of one normalised token, by its script (Arabic or English); other tokens are their own stem. */
export function stem(token: string): string {
  if (ARABIC.test(token)) return fold(arabicStemmer(token));
  if (LATIN_WORD.test(token)) return englishStemmer(token);
  return token;
}

const ARTICLE = "\u0627\u0644"; // ال
const LIL = "\u0644\u0644"; // لل = ل + ال
const CONJUNCTIONS = ["", "\u0648", "\u0641"]; // و ف
const PREPOSITIONS = ["\u0628", "\u0643", "\u0644"]; // ب ك ل
// Attached pronouns, longest first: كما هما كم كن هم هن نا ها ه ك ي
const PRONOUNS = [
  "\u0643\u0645\u0627",
  "\u0647\u0645\u0627",
  "\u0643\u0645",
  "\u0643\u0646",
  "\u0647\u0645",
  "\u0647\u0646",
  "\u0646\u0627",
  "\u0647\u0627",
  "\u0647",
  "\u0643",
  "\u064A",
];
// Plural, dual, nisba and feminine endings (after folding ة is ه): ات ون ين ان يه ه ي
const ENDINGS = [
  "\u0627\u062A",
  "\u0648\u0646",
  "\u064A\u0646",
  "\u0627\u0646",
  "\u064A\u0647",
  "\u0647",
  "\u064A",
];
const TAA = "\u062A"; // ت
const PLURAL_AT = "\u0627\u062A"; // ات
const HAA = "\u0647"; // ه

/** The word without each way of reading its clitic prefixes: (و|ف)? (ب|ك|ل)? ال? */
function prefixCores(word: string): string[] {
  const out = new Set<string>([word]);
  for (const conj of CONJUNCTIONS) {
    if (!word.startsWith(conj)) continue;
    const rest = word.slice(conj.length);
    if (conj && rest.length >= 3) out.add(rest);
    if ((rest.startsWith(ARTICLE) || rest.startsWith(LIL)) && rest.length >= 4) out.add(rest.slice(2));
    for (const prep of PREPOSITIONS) {
      if (!rest.startsWith(prep)) continue;
      const noun = rest.slice(1);
      if (noun.length >= 3) out.add(noun);
      if (noun.startsWith(ARTICLE) && noun.length >= 4) out.add(noun.slice(2));
    }
  }
  return [...out];
}

/** Adds the word without an ending, restoring taa marbuta where a suffix had opened it (فاتورتي → فاتوره). */
function addWithout(out: Set<string>, word: string, suffix: string): string | null {
  if (!word.endsWith(suffix) || word.length - suffix.length < 3) return null;
  const base = word.slice(0, -suffix.length);
  out.add(base);
  if (base.endsWith(TAA) && !base.endsWith(PLURAL_AT) && base.length >= 4) {
    out.add(base.slice(0, -1) + HAA);
    out.add(base.slice(0, -1));
  }
  return base;
}

/** The word without common suffixes: a pronoun, an ending, or a pronoun then an ending (طلباتي → طلب). */
function suffixCores(word: string): Set<string> {
  const out = new Set<string>([word]);
  for (const pronoun of PRONOUNS) {
    const base = addWithout(out, word, pronoun);
    if (base) for (const ending of ENDINGS) addWithout(out, base, ending);
  }
  for (const ending of ENDINGS) addWithout(out, word, ending);
  return out;
}

function arabicKeys(token: string): string[] {
  const keys = new Set<string>([token]);
  for (const core of prefixCores(token)) {
    for (const k of suffixCores(core)) keys.add(k);
    keys.add(stem(core));
  }
  return [...keys].filter((k) => k.length >= 2);
}

// The keys of recent words, in two generations: when the young one is full it
// becomes the old one, and a word found in the old one moves back to the young.
// Words in steady use stay cached however many one-off tokens (order numbers,
// addresses) pass through, and memory stays bounded.
const KEY_CACHE_GENERATION = 25_000;
let youngKeys = new Map<string, string[]>();
let oldKeys = new Map<string, string[]>();

function cacheKeys(token: string, keys: string[]): void {
  if (youngKeys.size >= KEY_CACHE_GENERATION) {
    oldKeys = youngKeys;
    youngKeys = new Map();
  }
  youngKeys.set(token, keys);
}

/**
 * Every index key of one normalised token: the token itself and its stems
 * (for Arabic also its cores without prefixes and suffixes). Two words match
 * when their keys meet.
 */
export function wordKeys(token: string): string[] {
  const young = youngKeys.get(token);
  if (young) return young;
  const old = oldKeys.get(token);
  if (old) {
    cacheKeys(token, old);
    return old;
  }
  let keys: string[];
  if (ARABIC.test(token)) keys = arabicKeys(token);
  else if (LATIN_WORD.test(token)) keys = [...new Set([token, englishStemmer(token)])];
  // Digits and mixed tokens are their own key: nothing to remember.
  else return [token];
  cacheKeys(token, keys);
  return keys;
}

/** The forms of a word being typed that may start a longer word: the word and its cores without prefixes. */
function prefixForms(token: string): string[] {
  const forms = ARABIC.test(token) ? prefixCores(token) : [token];
  return forms.filter((f) => f.length >= 3);
}

// A run of digits written with spaces, dashes, dots or brackets, such as a
// phone number; it is also indexed as bare digits so "501234567" finds it.
const NUMBER_RUN = /\+?\d[\d\s().-]{5,}\d/g;

function compactNumbers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(NUMBER_RUN)) {
    const digits = m[0].replace(/\D/g, "");
    if (digits.length >= 7 && digits !== m[0].replace(/^\+/, "")) out.push(digits);
  }
  return out;
}

/** Cap on stored text; longer documents are searched on their beginning. */
export const MAX_DOCUMENT_CHARS = 100_000;
// PostgreSQL refuses a tsvector whose lexemes exceed 1 MB; stay well below.
const MAX_TERMS_BYTES = 500_000;

/**
 * What to store for a document: `text` is the folded text for trigram and
 * substring matching (search_text); `terms` is the space-separated key list
 * for `to_tsvector('simple', terms)` (search_tsv).
 */
export function searchDocument(...parts: (string | null | undefined)[]): { text: string; terms: string } {
  const folded = normalizeText(parts.filter(Boolean).join(" ").slice(0, MAX_DOCUMENT_CHARS));
  const numbers = compactNumbers(folded);
  const text = numbers.length ? `${folded} ${numbers.join(" ")}` : folded;
  const terms = new Set<string>();
  let bytes = 0;
  outer: for (const token of tokenize(text)) {
    for (const key of wordKeys(token)) {
      if (terms.has(key)) continue;
      bytes += Buffer.byteLength(key) + 1;
      if (bytes > MAX_TERMS_BYTES) break outer;
      terms.add(key);
    }
  }
  return { text, terms: [...terms].join(" ") };
}

/** One word of a query: any of its keys matches, or a longer word starting with one of its prefix forms. */
export interface QueryWord {
  token: string;
  keys: string[];
  prefixes: string[];
}

/** A parsed search query. */
export interface SearchQuery {
  /** The folded query. */
  text: string;
  /** Every key of every query word. */
  stems: string[];
  /** The words, all of which must match (full-text). */
  words: QueryWord[];
  /**
   * Text for `to_tsquery('simple', …)`: an AND of the words, each an OR of its
   * keys, built from quoted lexemes only; null when nothing is searchable.
   */
  tsquery: string | null;
  /**
   * The same with the last word also matching as the start of a longer word
   * (`:*`), for a word still being typed; null when it adds nothing. It
   * finds more than `tsquery`, which then tells whole-word matches apart.
   */
  prefixTsquery: string | null;
  /** Folded fragments (3+ characters) that must all occur in search_text (trigram / LIKE); empty to skip. */
  fragments: string[];
}

const MAX_QUERY_WORDS = 12;

/** Quotes a lexeme for to_tsquery so that no character of it is read as an operator. */
export function quoteLexeme(lexeme: string): string {
  return `'${lexeme.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}

/**
 * What to look for: the folded query, its words with their keys, the
 * tsqueries (AND of words, each an OR of its keys; then with the last word
 * also as a prefix) and the fragments for substring matching.
 */
export function searchQuery(q: string): SearchQuery {
  const text = normalizeText(q);
  let tokens = [...new Set(tokenize(text))];
  // A lone letter (the «و» of "X و Y", the "s" of "customer's") says little and
  // would narrow the search; keep it only when it is all there is.
  if (tokens.some((t) => t.length > 1)) tokens = tokens.filter((t) => t.length > 1);
  tokens = tokens.slice(0, MAX_QUERY_WORDS);

  const words: QueryWord[] = tokens.map((token, i) => ({
    token,
    keys: wordKeys(token),
    prefixes: i === tokens.length - 1 ? prefixForms(token) : [],
  }));
  const build = (withPrefixes: boolean) =>
    words
      .map((w) => {
        const alternatives = w.keys.map(quoteLexeme);
        if (withPrefixes) alternatives.push(...w.prefixes.map((p) => `${quoteLexeme(p)}:*`));
        return `(${alternatives.join(" | ")})`;
      })
      .join(" & ");
  const hasPrefixes = words.some((w) => w.prefixes.length > 0);

  return {
    text,
    stems: [...new Set(words.flatMap((w) => w.keys))],
    words,
    tsquery: words.length ? build(false) : null,
    prefixTsquery: hasPrefixes ? build(true) : null,
    fragments: queryFragments(text),
  };
}

const PHONE_LIKE = /^\+?[\d\s().-]+$/;

function queryFragments(text: string): string[] {
  // A phone number: match its digits whatever the spacing, country code or trunk 0.
  const digits = text.replace(/\D/g, "");
  if (PHONE_LIKE.test(text) && digits.length >= 7) return [digits.replace(/^0+/, "")];
  const out = new Set<string>();
  for (const raw of text.split(" ")) {
    const word = raw.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
    if (word.length >= 3) out.add(word);
  }
  return [...out].slice(0, MAX_QUERY_WORDS);
}

const foldCache = new Map<string, string>();

function foldChar(ch: string): string {
  let f = foldCache.get(ch);
  if (f === undefined) {
    f = fold(ch);
    if (foldCache.size < 10_000) foldCache.set(ch, f);
  }
  return f;
}

/**
 * A short excerpt of the original text around the first place the query
 * matches, for showing a search hit. The text is not folded: matching runs on
 * a folded copy whose characters map back to the original.
 */
export function highlightSnippet(original: string, query: SearchQuery, maxLength = 160): string {
  const source = original.length > MAX_DOCUMENT_CHARS ? original.slice(0, MAX_DOCUMENT_CHARS) : original;
  let folded = "";
  const origin: number[] = [];
  for (let i = 0; i < source.length; ) {
    const cp = source.codePointAt(i) ?? 0;
    const ch = String.fromCodePoint(cp);
    const f = foldChar(ch);
    folded += f;
    // One entry per UTF-16 unit, as indexOf on the folded text counts them.
    for (let k = 0; k < f.length; k++) origin.push(i);
    i += ch.length;
  }

  const needles = [
    ...query.fragments,
    ...query.words.flatMap((w) => [w.token, ...w.prefixes, ...w.keys]),
  ].filter((n) => n.length >= 2);
  let at = -1;
  for (const needle of needles) {
    const found = folded.indexOf(needle);
    if (found >= 0 && (at < 0 || found < at)) at = found;
  }

  const matchStart = at >= 0 ? (origin[at] ?? 0) : 0;
  let start = Math.max(0, matchStart - Math.floor(maxLength / 3));
  if (start > 0) {
    const space = source.indexOf(" ", start);
    if (space >= 0 && space < matchStart) start = space + 1;
  }
  let end = Math.min(source.length, start + maxLength);
  if (end < source.length) {
    const space = source.lastIndexOf(" ", end);
    if (space > matchStart) end = space;
  }
  // Never cut a surrogate pair in half.
  if (start > 0 && /[\uDC00-\uDFFF]/.test(source[start] ?? "")) start -= 1;
  if (end < source.length && /[\uD800-\uDBFF]/.test(source[end - 1] ?? "")) end += 1;
  const body = source.slice(start, end).replace(/\s+/g, " ").trim();
  return `${start > 0 ? "… " : ""}${body}${end < original.length ? " …" : ""}`;
}
