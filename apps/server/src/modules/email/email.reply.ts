/**
 * Separates the part of an email reply the customer just wrote from the
 * quoted history and the signature below it. Both parts are kept: the
 * visible part is shown, the rest is collapsible.
 *
 * Recognised: attribution lines ("On … wrote:", in English, Arabic «كتب»
 * and the common European forms, also when wrapped over up to three lines),
 * `>` quoting, "-----Original Message-----" and «الرسالة الأصلية» banners,
 * Outlook "From:/Sent:/To:/Subject:" header blocks (also in Arabic), and
 * signatures after "-- " or a mobile client's "Sent from my …" line.
 */

/** The visible reply and what was cut from it. */
export interface SplitReply {
  visible: string;
  quoted: string;
}

const WROTE =
  /(wrote|writes|a écrit|a ecrit|schrieb|schreef|escribió|escreveu|ha scritto|scrisse|skrev|kirjoitti|napisał\(a\)|napisał|napisała|написал\(а\)|написал|написала|yazdı|كتب|كتبت)\s*:?\s*$/iu;
const BANNER =
  /^\s*[-_=*]{2,}\s*(original message|forwarded message|mensaje original|message d'origine|message original|ursprüngliche nachricht|originalnachricht|messaggio originale|oorspronkelijk bericht|originalmeddelande|opprinnelig melding|oprindelig meddelelse|oprindelig besked|alkuperäinen viesti|исходное сообщение|mensagem original|الرسالة الأصلية|رسالة محولة|الرسالة المعاد توجيهها)\s*[-_=*]{2,}\s*$/iu;
// Zoho and others: "---- On <date> <address> wrote ----".
const WROTE_BANNER = /^\s*-{2,}.*\b(wrote|schrieb|a écrit|escribió|كتب)\b.*-{2,}\s*$/iu;
// An attribution without a verb: a date and an address, ending in ":".
const ADDRESS_COLON = /(<\s*[^<>\s]+@[^<>\s]+\s*>|[^\s<>]+@[^\s<>]+\.[a-z]{2,})\s*:\s*$/iu;
const SEPARATOR = /^\s*([=_*-])\1{2,}\s*$/;
const LABELLED = /^\s*[\p{L}][\p{L} ]{0,24}\s?:\s*\S/u;
const HEADER_FROM = /^\s*\*?(from|de|von|da|van|från|fra|od|lähettäjä|от|kimden|من|المرسل)\s*\*?\s*:\s*\S/iu;
const HEADER_NEXT =
  /^\s*\*?(sent|date|to|subject|cc|envoyé|date|à|objet|gesendet|datum|an|betreff|inviato|data|a|oggetto|enviado|fecha|para|asunto|verzonden|aan|onderwerp|skickat|till|ämne|sendt|til|emne|wysłano|do|temat|lähetetty|vastaanottaja|aihe|отправлено|кому|тема|gönderildi|tarih|kime|konu|أرسل|أُرسل|التاريخ|تاريخ|إلى|الى|الموضوع|نسخة)\s*\*?\s*:/iu;
const UNDERSCORES = /^\s*_{8,}\s*$/;
const SIG_DELIMITER = /^(-- ?|--|__)\s*$/;
const MOBILE =
  /^\s*(sent from my \S.*|sent from \S+(\s+\S+){0,3}|sent from (outlook|mail for windows|yahoo mail|samsung).*|get outlook for (ios|android).*|envoyé (de mon|à partir de|depuis) \S.*|gesendet (von|mit) \S.*(android|iphone|ipad|outlook|mobil).*|von meinem \S.* gesendet|enviado (desde|do) (mi|meu) \S.*|inviato da \S.*|أرسلت من \S.*|أُرسلت من \S.*|تم الإرسال من \S.*|مرسل من (جهاز|هاتف|ال)\S*.*)$/iu;

const isQuoted = (line: string) => /^\s*>(?!\s*:\s*$)/.test(line);
// A quoted line wrapped by the client leaves its continuation without ">".
const isQuotedAt = (lines: string[], i: number) =>
  isQuoted(lines[i] ?? "") || (i > 0 && /^\s*>\s*\S/.test(lines[i - 1] ?? "") && !isBlank(lines[i] ?? ""));
const isBlank = (line: string) => line.trim() === "";

// An attribution may wrap: "On Tue, 1 Mar 2011 at 18:02, Someone <a@b>" then
// "wrote:" on the next line. Returns how many lines it spans, 0 when none.
function attributionAt(lines: string[], i: number): number {
  const first = lines[i] ?? "";
  if (isQuoted(first) || isBlank(first)) return 0;
  let joined = "";
  for (let n = 0; n < 3 && i + n < lines.length; n++) {
    const line = lines[i + n] ?? "";
    if (n > 0 && (isBlank(line) || isQuoted(line))) break;
    // A sentence before an attribution ("Hi,") is not part of it.
    if (n === 1 && /[.!?,;]\s*$/.test(first)) return 0;
    joined = `${joined} ${line.trim()}`.trim();
    if (joined.length > 300) break;
    // A date or an address makes it an attribution, not a sentence ending in "wrote:".
    if (WROTE.test(joined) && /\d|@|</.test(joined) && (/:\s*$/.test(joined) || /\d/.test(joined)))
      return n + 1;
    // The cheap tests first: the address pattern is costly on a long line that ends otherwise.
    if (/:\s*$/.test(joined) && /\d/.test(joined) && joined.includes("@") && ADDRESS_COLON.test(joined))
      return n + 1;
  }
  return 0;
}

function headerBlockAt(lines: string[], i: number): boolean {
  if (!HEADER_FROM.test(lines[i] ?? "")) return false;
  let seen = 0;
  for (let n = 1; n <= 6 && i + n < lines.length; n++) {
    const line = lines[i + n] ?? "";
    if (HEADER_NEXT.test(line)) seen++;
    if (seen >= 1 && n >= 1 && HEADER_NEXT.test(line)) return true;
  }
  return false;
}

// Where the history starts: everything from this line on is quoted.
function historyStart(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (BANNER.test(line) || WROTE_BANNER.test(line)) return i;
    // A mobile client's line ends the reply; what follows is the history.
    if (MOBILE.test(line) && i > 0) return i;
    if (UNDERSCORES.test(line) && headerBlockAt(lines, i + 1 + (isBlank(lines[i + 1] ?? "") ? 1 : 0)))
      return i;
    if (headerBlockAt(lines, i)) return backOverPreamble(lines, i);
    const span = attributionAt(lines, i);
    if (span > 0) {
      let j = i + span;
      while (j < lines.length && isBlank(lines[j] ?? "")) j++;
      // History that is not `>`-quoted runs to the end.
      if (j >= lines.length || !isQuoted(lines[j] ?? "")) return i;
      while (j < lines.length && (isQuotedAt(lines, j) || isBlank(lines[j] ?? ""))) j++;
      // Bottom posting: own text after the quoted block stays visible, and
      // the quoted lines are cut one by one instead.
      if (!hasOwnTextAfter(lines, j)) return i;
    }
  }
  return lines.length;
}

// "====" or "Message du : <date>" just above a From: block belong to it.
function backOverPreamble(lines: string[], i: number): number {
  let start = i;
  for (let j = i - 1; j > 0 && j >= i - 4; j--) {
    const line = lines[j] ?? "";
    if (SEPARATOR.test(line) || LABELLED.test(line)) start = j;
    else if (!isBlank(line)) break;
  }
  return start;
}

function hasOwnTextAfter(lines: string[], from: number): boolean {
  const rest = lines.filter((l, k) => k >= from && !isBlank(l) && !isQuotedAt(lines, k));
  if (rest.length === 0) return false;
  // A signature or a footer after the quote is not new text.
  const first = rest[0] ?? "";
  return !(SIG_DELIMITER.test(first) || MOBILE.test(first) || UNDERSCORES.test(first));
}

function signatureStart(lines: string[], end: number): number {
  for (let i = 0; i < end; i++) {
    const line = lines[i] ?? "";
    if (SIG_DELIMITER.test(line) && i > 0) {
      const after = lines.slice(i + 1, end).filter((l) => !isBlank(l));
      if (after.length <= 20) return i;
    }
  }
  // A lone "Sent from my …" at the end of the reply.
  for (let i = end - 1; i >= 0; i--) {
    const line = lines[i] ?? "";
    if (isBlank(line)) continue;
    return MOBILE.test(line) && i > 0 ? i : end;
  }
  return end;
}

function trimBlock(lines: string[]): string {
  return lines
    .join("\n")
    .replace(/[ \t]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** Splits a plain-text reply into the visible part and the quoted history with the signature. */
export function splitReply(text: string): SplitReply {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const history = historyStart(lines);
  const signature = signatureStart(lines, history);
  const own: string[] = [];
  const cut: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (i >= signature) cut.push(line);
    // Quoted lines inside the reply (inline answers) go to the history too.
    else if (isQuotedAt(lines, i) || attributionAt(lines, i) > 0) {
      const span = Math.max(1, attributionAt(lines, i));
      for (let n = 0; n < span; n++) cut.push(lines[i + n] ?? "");
      i += span - 1;
    } else own.push(line);
  }
  const visible = trimBlock(own);
  // Never show an empty reply: a message that is all quote shows the quote.
  if (!visible) return { visible: trimBlock(lines), quoted: "" };
  return { visible, quoted: trimBlock(cut) };
}

const HTML_QUOTE_MARKERS = [
  /<div[^>]*class="[^"]*\bgmail_quote\b[^"]*"[^>]*>/i,
  /<div[^>]*class="[^"]*\bgmail_attr\b[^"]*"[^>]*>/i,
  /<blockquote[^>]*type="cite"[^>]*>/i,
  /<div[^>]*class="[^"]*\byahoo_quoted\b[^"]*"[^>]*>/i,
  /<div[^>]*class="[^"]*\bmoz-cite-prefix\b[^"]*"[^>]*>/i,
  /<div[^>]*id="(divRplyFwdMsg|appendonsend|mail-editor-reference-message-container)"[^>]*>/i,
  /<hr[^>]*id="stopSpelling"[^>]*>/i,
  /<div[^>]*class="[^"]*\bOutlookMessageHeader\b[^"]*"[^>]*>/i,
  /<blockquote[^>]*class="[^"]*\bprotonmail_quote\b[^"]*"[^>]*>/i,
  /<div[^>]*style="[^"]*border-top:\s*solid\s*#(b5c4df|e1e1e1)[^"]*"[^>]*>/i,
];

/**
 * Splits reply HTML at the first quote container a mail client leaves
 * (Gmail, Apple Mail, Outlook, Yahoo, Thunderbird, Proton). Both halves are
 * fragments; sanitising them again closes any element the cut left open.
 */
export function splitReplyHtml(html: string): { visible: string; quoted: string | null } {
  let cut = -1;
  for (const marker of HTML_QUOTE_MARKERS) {
    const m = marker.exec(html);
    if (m && (cut === -1 || m.index < cut)) cut = m.index;
  }
  if (cut <= 0) return { visible: html, quoted: null };
  const visible = html.slice(0, cut);
  // A reply whose visible part has no text is shown whole.
  if (!visible.replace(/<[^>]*>/g, "").replace(/&nbsp;|\s/g, "")) return { visible: html, quoted: null };
  return { visible, quoted: html.slice(cut) };
}
