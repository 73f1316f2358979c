/** Sample conversations for a new account: real-looking Arabic and English customer requests. */
export interface DemoConversation {
  contact: { name: string; email?: string; phone?: string; language: "ar" | "en"; company?: string };
  subject: string;
  body: string;
  priority: "low" | "normal" | "high" | "urgent";
  type: "question" | "complaint" | "technical" | "return" | "suggestion" | "sales";
  tags: string[];
  status: "new" | "open" | "pending" | "on_hold" | "solved";
  reply?: string;
  note?: string;
  assignToOwner: boolean;
}

export const demoConversations: DemoConversation[] = [
  {
    contact: { name: "سارة العتيبي", email: "sara.alotaibi@example.com", language: "ar" },
    subject: "طلب استرجاع مبلغ الطلب رقم ٤٥٢١",
    body: "السلام عليكم، استلمت الطلب رقم ٤٥٢١ لكن المقاس غير مناسب. أرغب في إعادة المنتج واسترجاع المبلغ. ما هي الخطوات؟",
    priority: "normal",
    type: "return",
    tags: ["استرجاع", "مقاسات"],
    status: "open",
    reply:
      "وعليكم السلام سارة، شكرًا لتواصلك معنا. يمكنك إعادة المنتج خلال ١٤ يومًا، وسنرسل لك ملصق الشحن اليوم. يصلك المبلغ خلال ٣ أيام عمل من استلامنا للمنتج.",
    assignToOwner: true,
  },
  {
    contact: { name: "محمد الشهري", phone: "+966501234567", language: "ar" },
    subject: "تأخر توصيل الشحنة",
    body: "طلبت قبل أسبوع ولم تصل الشحنة حتى الآن، ورقم التتبع لا يعمل. أرجو الإفادة بأسرع وقت.",
    priority: "high",
    type: "complaint",
    tags: ["توصيل"],
    status: "new",
    note: "تواصلت مع شركة الشحن: الشحنة في مستودع الرياض وستخرج غدًا.",
    assignToOwner: false,
  },
  {
    contact: { name: "نورة القحطاني", email: "noura@example.sa", language: "ar", company: "مؤسسة الأفق" },
    subject: "خصم مرتين على البطاقة",
    body: "تم خصم قيمة الفاتورة ١٢٣٤ مرتين من بطاقتي الائتمانية. أرفقت كشف الحساب، أرجو إعادة المبلغ المخصوم بالخطأ.",
    priority: "urgent",
    type: "complaint",
    tags: ["فوترة"],
    status: "pending",
    reply:
      "نعتذر عن الإزعاج يا نورة. تأكدنا من الخصم المكرر وأصدرنا أمر الاسترداد، وسيظهر في حسابك خلال ٥ أيام عمل.",
    assignToOwner: true,
  },
  {
    contact: { name: "خالد المطيري", email: "khalid.m@example.com", language: "ar" },
    subject: "لا أستطيع تسجيل الدخول إلى التطبيق",
    body: "كلما أدخلت كلمة المرور تظهر رسالة خطأ، وجربت إعادة تعيينها ولم يصلني البريد.",
    priority: "normal",
    type: "technical",
    tags: ["تطبيق"],
    status: "new",
    assignToOwner: false,
  },
  {
    contact: { name: "Emily Carter", email: "emily.carter@example.com", language: "en" },
    subject: "Refund for a damaged item",
    body: "Hi, the blender I ordered (order 7781) arrived with a cracked jar. I'd like a refund or a replacement, whichever is faster.",
    priority: "high",
    type: "return",
    tags: ["refund", "damaged"],
    status: "open",
    reply:
      "Hi Emily, I'm sorry the jar arrived cracked. A replacement ships today at no cost, and you don't need to send the old one back.",
    assignToOwner: true,
  },
  {
    contact: {
      name: "James Wilson",
      email: "james.wilson@example.org",
      language: "en",
      company: "Wilson & Co",
    },
    subject: "Bulk pricing for 200 units",
    body: "We're interested in ordering 200 units for our offices. Do you offer volume discounts and invoicing on net-30 terms?",
    priority: "normal",
    type: "sales",
    tags: ["b2b"],
    status: "new",
    note: "Large prospect — loop in the sales team before quoting.",
    assignToOwner: false,
  },
  {
    contact: { name: "Aisha Rahman", email: "aisha.r@example.com", language: "en" },
    subject: "Suggestion: Arabic invoices",
    body: "Could you offer invoices in Arabic as well as English? Our accountant needs them for VAT filing.",
    priority: "low",
    type: "suggestion",
    tags: ["invoices"],
    status: "solved",
    reply:
      "Thank you, Aisha — bilingual invoices are now on our roadmap and we'll let you know when they're available.",
    assignToOwner: true,
  },
];
