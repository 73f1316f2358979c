/** The widget's two languages. */
export type Lang = "ar" | "en";

const en = {
  open: "Open chat",
  close: "Close chat",
  title: "Chat with us",
  online: "We usually reply in a few minutes",
  offline: "We are away now. Leave a message and we will answer by email.",
  placeholder: "Write a message…",
  send: "Send",
  attach: "Attach an image or PDF",
  name: "Your name",
  email: "Email",
  phone: "Phone",
  start: "Start chat",
  leave: "Send message",
  message: "Message",
  left: "Thank you. We will answer you by email.",
  typing: "typing…",
  agentTyping: "{name} is typing…",
  someone: "Agent",
  you: "You",
  seen: "Seen",
  sending: "Sending…",
  failed: "Not sent. It will be retried.",
  reconnecting: "Reconnecting…",
  required: "Please fill in the required fields.",
  fileTooBig: "The file is larger than 10 MB.",
  fileType: "Only images and PDF files can be sent.",
  newMessages: "New message from {name}",
  messages: "Messages",
  file: "File",
};
type Key = keyof typeof en;

const ar: Record<Key, string> = {
  open: "افتح الدردشة",
  close: "أغلق الدردشة",
  title: "تحدث معنا",
  online: "نرد عادةً خلال دقائق",
  offline: "لسنا متاحين الآن. اترك رسالة وسنرد عليك بالبريد الإلكتروني.",
  placeholder: "اكتب رسالة…",
  send: "إرسال",
  attach: "أرفق صورة أو ملف PDF",
  name: "اسمك",
  email: "البريد الإلكتروني",
  phone: "الهاتف",
  start: "ابدأ الدردشة",
  leave: "أرسل الرسالة",
  message: "الرسالة",
  left: "شكرًا لك. سنرد عليك بالبريد الإلكتروني.",
  typing: "يكتب…",
  agentTyping: "{name} يكتب…",
  someone: "الموظف",
  you: "أنت",
  seen: "تمت القراءة",
  sending: "جارٍ الإرسال…",
  failed: "لم تُرسل. ستُعاد المحاولة.",
  reconnecting: "جارٍ إعادة الاتصال…",
  required: "يرجى تعبئة الحقول المطلوبة.",
  fileTooBig: "الملف أكبر من 10 ميغابايت.",
  fileType: "يمكن إرسال الصور وملفات PDF فقط.",
  newMessages: "رسالة جديدة من {name}",
  messages: "الرسائل",
  file: "ملف",
};

/** The page's language (<html lang>), else the browser's; Arabic or English. */
export function pageLanguage(doc: Document = document, nav: Navigator = navigator): Lang {
  const tag = (doc.documentElement.lang || nav.language || "en").toLowerCase();
  return tag.startsWith("ar") ? "ar" : "en";
}

/** A translator for one language. */
export function translator(lang: Lang) {
  const table = lang === "ar" ? ar : en;
  return (key: Key, params: Record<string, string> = {}) =>
    table[key].replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? "");
}
export type T = ReturnType<typeof translator>;
