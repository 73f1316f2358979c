import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** One customer sentence with the subject a conversation about it would carry. */
export interface Sentence {
  lang: "ar" | "en";
  subject: string;
  body: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
/** Public corpora kept beside the project for evaluation; used when present. */
const CORPORA = process.env.BENCH_CORPORA ?? path.resolve(here, "../../shared/corpora");

/** Parses RFC 4180 CSV: quoted fields, doubled quotes, newlines inside quotes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  if (field !== "" || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function readCsv(file: string): string[][] | null {
  const full = path.join(CORPORA, file);
  if (!fs.existsSync(full)) return null;
  return parseCsv(fs.readFileSync(full, "utf8")).slice(1);
}

function titleCase(category: string): string {
  const words = category.replace(/_/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// Used when the corpora are not beside the project: short, typical requests.
const FALLBACK: Sentence[] = [
  { lang: "ar", subject: "تأخر الطلب", body: "لم يصل طلبي حتى الآن، متى سيتم التوصيل؟" },
  { lang: "ar", subject: "استرجاع المبلغ", body: "أريد استرجاع المبلغ لأن المنتج وصل مكسوراً." },
  { lang: "ar", subject: "تغيير العنوان", body: "هل يمكنني تغيير عنوان الشحن بعد الدفع؟" },
  { lang: "ar", subject: "مشكلة في الفاتورة", body: "الفاتورة فيها مبلغ أعلى من السعر المعروض في الموقع." },
  { lang: "ar", subject: "إلغاء الاشتراك", body: "أرغب في إلغاء الاشتراك الشهري من فضلكم." },
  { lang: "ar", subject: "كلمة المرور", body: "نسيت كلمة المرور ولا تصلني رسالة الاستعادة." },
  { lang: "ar", subject: "بطاقة الدفع", body: "تم رفض بطاقتي عند الدفع مع أن الرصيد كافٍ." },
  { lang: "ar", subject: "شكر", body: "شكراً جزيلاً على سرعة الرد وحل المشكلة." },
  { lang: "en", subject: "Late delivery", body: "My order has not arrived yet, when will it be delivered?" },
  { lang: "en", subject: "Refund request", body: "I would like a refund because the item arrived broken." },
  { lang: "en", subject: "Change address", body: "Can I change the shipping address after paying?" },
  {
    lang: "en",
    subject: "Invoice problem",
    body: "The invoice shows a higher amount than the price on the website.",
  },
  { lang: "en", subject: "Cancel subscription", body: "Please cancel my monthly subscription." },
  { lang: "en", subject: "Password reset", body: "I forgot my password and the reset email never arrives." },
  {
    lang: "en",
    subject: "Card declined",
    body: "My card was declined at checkout although I have enough balance.",
  },
  { lang: "en", subject: "Thanks", body: "Thank you for the quick answer and for solving the problem." },
];

/**
 * Customer sentences in Arabic and English: the ArBanking77 (Arabic) and
 * Banking77 (English) requests when the corpora are available, otherwise a
 * short built-in list.
 */
export function loadSentences(): { sentences: Sentence[]; source: string } {
  const ar = readCsv("intents/arbanking77/Banking77_Arabized_MSA_PAL_train.csv");
  const en = readCsv("intents/banking77_en/train.csv");
  if (!ar || !en) return { sentences: FALLBACK, source: "built-in sentences" };
  const sentences: Sentence[] = [];
  for (const [label, text] of ar) {
    if (label && text?.trim()) sentences.push({ lang: "ar", subject: label.trim(), body: text.trim() });
  }
  for (const [text, category] of en) {
    if (category && text?.trim())
      sentences.push({ lang: "en", subject: titleCase(category), body: text.trim() });
  }
  return { sentences, source: "ArBanking77 (Arabic) and Banking77 (English) requests" };
}

/** Given names and family names for contacts: [Arabic, Latin transliteration]. */
export const FIRST_NAMES: [string, string][] = [
  ["محمد", "mohammed"],
  ["أحمد", "ahmad"],
  ["فاطمة", "fatima"],
  ["نورة", "noura"],
  ["خالد", "khaled"],
  ["سارة", "sara"],
  ["عبدالله", "abdullah"],
  ["ريم", "reem"],
  ["يوسف", "yousef"],
  ["ليلى", "layla"],
  ["عمر", "omar"],
  ["هدى", "huda"],
  ["إبراهيم", "ibrahim"],
  ["مريم", "maryam"],
  ["سلطان", "sultan"],
  ["جود", "joud"],
];

/** Family names: [Arabic, Latin transliteration]. */
export const LAST_NAMES: [string, string][] = [
  ["العتيبي", "alotaibi"],
  ["القحطاني", "alqahtani"],
  ["الشمري", "alshammari"],
  ["الحربي", "alharbi"],
  ["المصري", "almasri"],
  ["حداد", "haddad"],
  ["الزهراني", "alzahrani"],
  ["منصور", "mansour"],
  ["الخطيب", "alkhatib"],
  ["يوسف", "yousef"],
  ["الدوسري", "aldosari"],
  ["عيسى", "issa"],
];

/** English contact names. */
export const ENGLISH_NAMES: string[] = [
  "James Smith",
  "Emma Johnson",
  "Oliver Brown",
  "Sophia Wilson",
  "Liam Taylor",
  "Mia Davies",
  "Noah Evans",
  "Amelia Thomas",
  "Lucas Martin",
  "Chloe Walker",
];

/** Tags a conversation may carry. */
export const TAGS = ["vip", "billing", "delivery", "refund", "bug", "feedback", "urgent-review", "card"];
