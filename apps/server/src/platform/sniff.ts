/**
 * Content-type sniffing from the first bytes of a file. The declared type of
 * an attachment is the sender's claim; what the bytes say decides, so a
 * script cannot pass for an image.
 */

type Rule = { type: string; test: (b: Buffer) => boolean };

const at = (b: Buffer, offset: number, bytes: number[]) =>
  b.length >= offset + bytes.length && bytes.every((v, i) => b[offset + i] === v);
const ascii = (b: Buffer, offset: number, text: string) =>
  b.length >= offset + text.length && b.toString("latin1", offset, offset + text.length) === text;

const RULES: Rule[] = [
  { type: "image/png", test: (b) => at(b, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { type: "image/jpeg", test: (b) => at(b, 0, [0xff, 0xd8, 0xff]) },
  { type: "image/gif", test: (b) => ascii(b, 0, "GIF87a") || ascii(b, 0, "GIF89a") },
  { type: "image/webp", test: (b) => ascii(b, 0, "RIFF") && ascii(b, 8, "WEBP") },
  { type: "audio/wav", test: (b) => ascii(b, 0, "RIFF") && ascii(b, 8, "WAVE") },
  { type: "image/bmp", test: (b) => ascii(b, 0, "BM") && b.length > 14 },
  { type: "image/x-icon", test: (b) => at(b, 0, [0, 0, 1, 0]) },
  { type: "image/tiff", test: (b) => at(b, 0, [0x49, 0x49, 0x2a, 0]) || at(b, 0, [0x4d, 0x4d, 0, 0x2a]) },
  { type: "application/pdf", test: (b) => ascii(b, 0, "%PDF-") },
  {
    type: "application/zip",
    test: (b) => at(b, 0, [0x50, 0x4b, 0x03, 0x04]) || at(b, 0, [0x50, 0x4b, 5, 6]),
  },
  { type: "application/gzip", test: (b) => at(b, 0, [0x1f, 0x8b]) },
  { type: "application/x-7z-compressed", test: (b) => at(b, 0, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]) },
  { type: "application/vnd.rar", test: (b) => ascii(b, 0, "Rar!\x1a\x07") },
  { type: "application/x-msdownload", test: (b) => ascii(b, 0, "MZ") },
  { type: "application/x-executable", test: (b) => at(b, 0, [0x7f, 0x45, 0x4c, 0x46]) },
  {
    type: "application/x-ole-storage",
    test: (b) => at(b, 0, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
  },
  { type: "audio/mpeg", test: (b) => ascii(b, 0, "ID3") || at(b, 0, [0xff, 0xfb]) },
  { type: "audio/ogg", test: (b) => ascii(b, 0, "OggS") },
  { type: "video/mp4", test: (b) => ascii(b, 4, "ftyp") },
  { type: "text/rtf", test: (b) => ascii(b, 0, "{\\rtf") },
];

// Office formats are ZIP or OLE containers: the name tells which.
const CONTAINER_BY_EXTENSION: Record<string, string> = {
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  odt: "application/vnd.oasis.opendocument.text",
  ods: "application/vnd.oasis.opendocument.spreadsheet",
  doc: "application/msword",
  xls: "application/vnd.ms-excel",
  ppt: "application/vnd.ms-powerpoint",
  msg: "application/vnd.ms-outlook",
};

function textual(b: Buffer): boolean {
  const sample = b.subarray(0, 4096);
  for (const byte of sample) {
    if (byte === 0) return false;
    if (byte < 0x20 && byte !== 9 && byte !== 10 && byte !== 12 && byte !== 13 && byte !== 27) return false;
  }
  return true;
}

function markup(b: Buffer): string | null {
  const head = b
    .subarray(0, 1024)
    .toString("latin1")
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, "")
    .trimStart()
    .toLowerCase();
  if (
    head.startsWith("<!doctype html") ||
    head.startsWith("<html") ||
    /<(script|body|head|iframe)[\s>]/.test(head)
  ) {
    return "text/html";
  }
  if (head.startsWith("<svg") || (head.startsWith("<?xml") && head.includes("<svg"))) return "image/svg+xml";
  if (head.startsWith("<?xml")) return "application/xml";
  return null;
}

/**
 * The type the bytes show. When they show nothing known, the declared type
 * stands for text and documents, but never for types a browser would render
 * (images, HTML, SVG, scripts): those fall back to application/octet-stream
 * or text/plain.
 */
export function sniffContentType(
  data: Buffer,
  declared: string | null | undefined,
  filename?: string | null,
): string {
  const extension = filename?.toLowerCase().split(".").pop() ?? "";
  for (const rule of RULES) {
    if (!rule.test(data)) continue;
    if (
      (rule.type === "application/zip" || rule.type === "application/x-ole-storage") &&
      CONTAINER_BY_EXTENSION[extension]
    ) {
      return CONTAINER_BY_EXTENSION[extension] as string;
    }
    return rule.type;
  }
  const m = markup(data);
  if (m) return m;
  const claim = (declared ?? "").toLowerCase().split(";")[0]?.trim() ?? "";
  const rendered = /^(image|video|audio)\/|html|xml|javascript|ecmascript/.test(claim);
  if (textual(data)) {
    if (claim === "text/csv" || claim === "text/calendar" || claim === "text/vcard") return claim;
    return "text/plain";
  }
  if (claim && !rendered && /^[a-z0-9.+-]+\/[a-z0-9.+-]+$/.test(claim)) return claim;
  return "application/octet-stream";
}

/** Images a browser may show inline from our origin: raster formats only (SVG can carry script). */
export const INLINE_SAFE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"]);
