import type { Language } from "@khidma/contracts";

type Catalog = Record<string, string>;

const en: Catalog = {
  "error.bad_request": "The request is not valid.",
  "error.validation_failed": "The request is not valid: {detail}",
  "error.invalid_json": "The request body is not valid JSON.",
  "error.invalid_cursor": "The pagination cursor is not valid.",
  "error.payload_too_large": "The request body is larger than the limit of {limit} bytes.",
  "error.unsupported_media_type": "The request body must be JSON (Content-Type: application/json).",
  "error.unauthorized": "Sign in or send an API token to continue.",
  "error.invalid_credentials": "The email or password is not correct.",
  "error.totp_required": "Enter the code from your authenticator app.",
  "error.invalid_totp": "The authenticator code is not correct.",
  "error.csrf_failed": "The request is missing a valid X-CSRF-Token header.",
  "error.forbidden": "You are not allowed to do this.",
  "error.not_found": "The {resource} was not found.",
  "error.conflict": "The request conflicts with the current state: {detail}",
  "error.duplicate_contact": "Another contact already uses {value}.",
  "error.idempotency_conflict": "This Idempotency-Key was already used with a different request.",
  "error.invitation_invalid": "This invitation is no longer valid.",
  "error.too_many_requests": "Too many attempts. Try again in {seconds} seconds.",
  "error.internal": "Something went wrong on our side. Please try again.",
  "realtime.frame_invalid": "The frame is not valid: {detail}",
  "realtime.frame_too_large": "The frame is larger than the limit of {limit} bytes.",
  "realtime.unknown_type": "This frame type is not known: {type}.",
  "realtime.rate_limited": "Too many frames; slow down.",
  "realtime.not_subscribed": "Subscribe to the conversation before typing in it.",
  "realtime.too_many_rooms": "At most {limit} conversations can be watched at once.",
  "resource.conversation": "conversation",
  "resource.contact": "contact",
  "resource.user": "user",
  "resource.team": "team",
  "resource.token": "API token",
  "resource.invitation": "invitation",
  "resource.route": "page",
  "resource.message": "message",
  "validation.required": "{field} is required",
  "validation.unknown": "{field} is not an accepted field",
  "validation.type": "{field} must be {type}",
  "validation.format": "{field} must be a valid {format}",
  "validation.enum": "{field} must be one of: {values}",
  "validation.minLength": "{field} must be at least {limit} characters",
  "validation.maxLength": "{field} must be at most {limit} characters",
  "validation.minimum": "{field} must be at least {limit}",
  "validation.maximum": "{field} must be at most {limit}",
  "validation.minItems": "{field} must have at least {limit} items",
  "validation.maxItems": "{field} must have at most {limit} items",
  "validation.pattern": "{field} has an invalid format",
  "validation.contact_identity": "contact needs an email or a phone",
  "validation.email_invalid": "an email address is not valid",
  "validation.phone_invalid": "a phone number must have 6 to 15 digits",
  "validation.attributes_too_large": "attributes must be at most 16 KB of JSON",
  "validation.tag_invalid": "a tag must have 1 to 50 characters",
  "validation.too_many_tags": "a conversation can have at most 20 tags",
  "validation.assignee_unknown": "assigneeId is not an active user of this account",
  "validation.team_unknown": "teamId is not a team of this account",
  "validation.empty_update": "give at least one field to change",
  "validation.blank": "a required text is empty",
  "resource.notification": "notification",
  "conflict.retry": "another request changed this at the same time; try again",
  "validation.search_blank": "the search text q must contain something other than spaces",
  "validation.invalid": "{field} is not valid",
  "validation.body": "the body",
  "validation.param": "the path parameter",
  "validation.query": "the query string",
  "conflict.last_owner": "the account must keep at least one owner",
  "conflict.self": "you cannot do this to your own user",
  "conflict.email_taken": "a user with this email already exists",
  "conflict.totp_not_started": "two-factor setup has not been started",
  "conflict.totp_enabled": "two-factor sign-in is already on",
  "conflict.team_name_taken": "a team with this name already exists",
  "conflict.invitation_accepted": "the invitation was already accepted",
  "validation.current_password_required": "currentPassword is required to set a new password",
  "validation.current_password_wrong": "the current password is not correct",
  "validation.password_wrong": "the password is not correct",
  "validation.totp_code": "the authenticator code is not correct",
  "validation.member_ids": "memberIds must name users of this account",
  "validation.idempotency_key": "the Idempotency-Key header must be 1 to 200 visible ASCII characters",
  "validation.bad_text":
    "{field} contains a character that cannot be stored (a NUL character or half of a surrogate pair)",
  "validation.too_deep": "{field} nests objects or lists more than {limit} levels deep",
  "conflict.idempotency_running": "a request with this Idempotency-Key is still running; try again shortly",
  "resource.inbox": "inbox",
  "resource.attachment": "attachment",
  "conflict.inbox_address_taken": "another inbox already receives mail at this address",
  "conflict.secret_unavailable":
    "mailbox passwords cannot be stored: set KHIDMA_SECRET, or give the server a writable DATA_DIR for its key",
  "validation.inbox_settings": "{field} needs host and port",
  "conflict.not_failed": "only an email whose delivery failed can be sent again",
  "email.bounce_note": "The email to {address} could not be delivered: {reason}",
  "email.bounce_note_unknown": "A delivery report came back for this conversation.",
  "email.ack_body":
    "Thank you for writing to us. We have received your message as request [#{number}], and one of our team will answer you soon.\n\nTo add anything, reply to this email and keep the number in the subject.",
  "resource.widget": "widget",
  "validation.widget_timezone": "businessHours.timezone is not a known time zone",
  "validation.widget_hours": "business hours must close after they open",
  "validation.widget_origin":
    "an allowed origin must look like https://shop.example or https://*.example.com",
  "chat.origin_refused": "This site is not allowed to use this chat widget.",
  "chat.token_invalid": "The chat session has expired or is not valid; start a new one.",
  "chat.identity_invalid": "The identity signature does not match this user id.",
  "chat.attachment_type": "Only images (PNG, JPEG, GIF, WebP) and PDF files can be sent.",
  "chat.attachment_size": "The file is larger than the limit of {limit} MB.",
  "chat.frame_invalid": "The frame is not valid: {detail}",
  "chat.message_too_long": "The message is longer than {limit} characters.",
  "chat.rate_limited": "Too many messages. Try again in {seconds} seconds.",
  "chat.offline_required": "Leave your email address so we can answer you.",
};

const ar: Catalog = {
  "error.bad_request": "الطلب غير صالح.",
  "error.validation_failed": "الطلب غير صالح: {detail}",
  "error.invalid_json": "محتوى الطلب ليس JSON صالحًا.",
  "error.invalid_cursor": "مؤشر الصفحات غير صالح.",
  "error.payload_too_large": "محتوى الطلب أكبر من الحد المسموح ({limit} بايت).",
  "error.unsupported_media_type": "يجب أن يكون محتوى الطلب JSON (Content-Type: application/json).",
  "error.unauthorized": "سجّل الدخول أو أرسل رمز واجهة برمجية للمتابعة.",
  "error.invalid_credentials": "البريد الإلكتروني أو كلمة المرور غير صحيحة.",
  "error.totp_required": "أدخل الرمز من تطبيق المصادقة.",
  "error.invalid_totp": "رمز المصادقة غير صحيح.",
  "error.csrf_failed": "الطلب لا يحمل ترويسة X-CSRF-Token صالحة.",
  "error.forbidden": "ليست لديك صلاحية للقيام بهذا.",
  "error.not_found": "لم يتم العثور على {resource}.",
  "error.conflict": "الطلب يتعارض مع الحالة الحالية: {detail}",
  "error.duplicate_contact": "توجد جهة اتصال أخرى تستخدم {value}.",
  "error.idempotency_conflict": "استُخدم مفتاح Idempotency-Key هذا مع طلب مختلف.",
  "error.invitation_invalid": "هذه الدعوة لم تعد صالحة.",
  "error.too_many_requests": "محاولات كثيرة جدًا. حاول مجددًا بعد {seconds} ثانية.",
  "error.internal": "حدث خطأ من جهتنا. يرجى المحاولة مرة أخرى.",
  "realtime.frame_invalid": "الإطار غير صالح: {detail}",
  "realtime.frame_too_large": "الإطار أكبر من الحد المسموح ({limit} بايت).",
  "realtime.unknown_type": "نوع الإطار هذا غير معروف: {type}.",
  "realtime.rate_limited": "إطارات كثيرة جدًا؛ تمهّل.",
  "realtime.not_subscribed": "اشترك في المحادثة قبل الكتابة فيها.",
  "realtime.too_many_rooms": "يمكن متابعة {limit} محادثة على الأكثر في الوقت نفسه.",
  "resource.conversation": "المحادثة",
  "resource.contact": "جهة الاتصال",
  "resource.user": "المستخدم",
  "resource.team": "الفريق",
  "resource.token": "رمز الواجهة البرمجية",
  "resource.invitation": "الدعوة",
  "resource.route": "الصفحة",
  "resource.message": "الرسالة",
  "validation.required": "الحقل {field} مطلوب",
  "validation.unknown": "الحقل {field} غير مقبول",
  "validation.type": "يجب أن يكون {field} من النوع {type}",
  "validation.format": "يجب أن يكون {field} بصيغة {format} صالحة",
  "validation.enum": "يجب أن يكون {field} واحدًا من: {values}",
  "validation.minLength": "يجب ألا يقل {field} عن {limit} حرفًا",
  "validation.maxLength": "يجب ألا يزيد {field} عن {limit} حرفًا",
  "validation.minimum": "يجب ألا يقل {field} عن {limit}",
  "validation.maximum": "يجب ألا يزيد {field} عن {limit}",
  "validation.minItems": "يجب أن يحتوي {field} على {limit} عناصر على الأقل",
  "validation.maxItems": "يجب ألا يحتوي {field} على أكثر من {limit} عناصر",
  "validation.pattern": "صيغة {field} غير صالحة",
  "validation.contact_identity": "جهة الاتصال تحتاج إلى بريد إلكتروني أو رقم هاتف",
  "validation.email_invalid": "عنوان البريد الإلكتروني غير صالح",
  "validation.phone_invalid": "يجب أن يتكون رقم الهاتف من 6 إلى 15 رقمًا",
  "validation.attributes_too_large": "يجب ألا تزيد الخصائص (attributes) عن 16 كيلوبايت بصيغة JSON",
  "validation.tag_invalid": "يجب أن يتكون الوسم من 1 إلى 50 حرفًا",
  "validation.too_many_tags": "لا يمكن أن تحمل المحادثة أكثر من 20 وسمًا",
  "validation.assignee_unknown": "assigneeId ليس مستخدمًا نشطًا في هذا الحساب",
  "validation.team_unknown": "teamId ليس فريقًا في هذا الحساب",
  "validation.empty_update": "أرسل حقلًا واحدًا على الأقل لتغييره",
  "validation.blank": "نص مطلوب فارغ",
  "resource.notification": "الإشعار",
  "conflict.retry": "غيّر طلب آخر هذا في الوقت نفسه؛ حاول مجددًا",
  "validation.search_blank": "يجب أن يحتوي نص البحث q على شيء غير المسافات",
  "validation.invalid": "{field} غير صالح",
  "validation.body": "محتوى الطلب",
  "validation.param": "معامل المسار",
  "validation.query": "معاملات الاستعلام",
  "conflict.last_owner": "يجب أن يبقى للحساب مالك واحد على الأقل",
  "conflict.self": "لا يمكنك القيام بهذا على مستخدمك",
  "conflict.email_taken": "يوجد مستخدم بهذا البريد الإلكتروني",
  "conflict.totp_not_started": "لم يبدأ إعداد التحقق بخطوتين",
  "conflict.totp_enabled": "التحقق بخطوتين مفعّل بالفعل",
  "conflict.team_name_taken": "يوجد فريق بهذا الاسم",
  "conflict.invitation_accepted": "قُبلت هذه الدعوة بالفعل",
  "validation.current_password_required":
    "كلمة المرور الحالية (currentPassword) مطلوبة لتعيين كلمة مرور جديدة",
  "validation.current_password_wrong": "كلمة المرور الحالية غير صحيحة",
  "validation.password_wrong": "كلمة المرور غير صحيحة",
  "validation.totp_code": "رمز المصادقة غير صحيح",
  "validation.member_ids": "يجب أن تشير memberIds إلى مستخدمين في هذا الحساب",
  "validation.idempotency_key": "يجب أن تكون ترويسة Idempotency-Key من 1 إلى 200 حرف ASCII مرئي",
  "validation.bad_text": "يحتوي {field} على محرف لا يمكن حفظه (المحرف NUL أو نصف زوج بديل في UTF-16)",
  "validation.too_deep": "يتداخل {field} في كائنات أو قوائم بأكثر من {limit} مستوى",
  "conflict.idempotency_running": "ما زال طلب بمفتاح Idempotency-Key هذا قيد التنفيذ؛ حاول بعد قليل",
  "resource.inbox": "صندوق الوارد",
  "resource.attachment": "المرفق",
  "conflict.inbox_address_taken": "يستقبل صندوق وارد آخر البريد على هذا العنوان",
  "conflict.secret_unavailable":
    "لا يمكن حفظ كلمات مرور صناديق البريد: عيّن KHIDMA_SECRET أو امنح الخادم مجلد DATA_DIR قابلًا للكتابة لحفظ مفتاحه",
  "validation.inbox_settings": "يحتاج {field} إلى المضيف والمنفذ",
  "conflict.not_failed": "لا يُعاد إرسال إلا بريد فشل تسليمه",
  "email.bounce_note": "تعذّر تسليم البريد إلى {address}: {reason}",
  "email.bounce_note_unknown": "وصل تقرير تسليم يخص هذه المحادثة.",
  "email.ack_body":
    "شكرًا لتواصلك معنا. وصلتنا رسالتك وسجّلناها بالطلب رقم [#{number}]، وسيردّ عليك أحد أفراد فريقنا قريبًا.\n\nلإضافة أي شيء، ردّ على هذه الرسالة مع إبقاء الرقم في العنوان.",
  "resource.widget": "أداة الدردشة",
  "validation.widget_timezone": "المنطقة الزمنية businessHours.timezone غير معروفة",
  "validation.widget_hours": "يجب أن ينتهي وقت العمل بعد بدايته",
  "validation.widget_origin": "يجب أن يكون الأصل المسموح مثل https://shop.example أو https://*.example.com",
  "chat.origin_refused": "هذا الموقع غير مسموح له باستخدام أداة الدردشة هذه.",
  "chat.token_invalid": "انتهت جلسة الدردشة أو أنها غير صالحة؛ ابدأ جلسة جديدة.",
  "chat.identity_invalid": "توقيع الهوية لا يطابق معرّف المستخدم هذا.",
  "chat.attachment_type": "يمكن إرسال الصور (PNG وJPEG وGIF وWebP) وملفات PDF فقط.",
  "chat.attachment_size": "الملف أكبر من الحد المسموح ({limit} ميغابايت).",
  "chat.frame_invalid": "الإطار غير صالح: {detail}",
  "chat.message_too_long": "الرسالة أطول من {limit} حرفًا.",
  "chat.rate_limited": "رسائل كثيرة جدًا. حاول مجددًا بعد {seconds} ثانية.",
  "chat.offline_required": "اترك عنوان بريدك الإلكتروني لنتمكن من الرد عليك.",
};

const catalogs: Record<Language, Catalog> = { en, ar };

/** Translates a key into the language, filling {placeholders}; unknown keys fall back to English, then the key. */
export function t(lang: Language, key: string, params: Record<string, string | number> = {}): string {
  const template = catalogs[lang][key] ?? en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) return `{${name}}`;
    // A param that is itself a catalog key (resource.*) is translated too.
    if (typeof value === "string" && (catalogs[lang][value] || en[value])) return t(lang, value);
    return String(value);
  });
}

/** Whether a key exists in both catalogs (used by tests that guard parity). */
export function catalogKeys(): { ar: string[]; en: string[] } {
  return { ar: Object.keys(ar), en: Object.keys(en) };
}

/** Picks ar or en from an Accept-Language header by quality; English when neither is asked for. */
export function pickLanguage(header: string | undefined | null): Language {
  if (!header) return "en";
  let best: { lang: Language; q: number } | null = null;
  for (const part of header.split(",")) {
    const [tag, ...rest] = part.trim().split(";");
    const base = tag?.trim().toLowerCase().split("-")[0];
    if (base !== "ar" && base !== "en") continue;
    const qParam = rest.find((p) => p.trim().startsWith("q="));
    const q = qParam ? Number(qParam.trim().slice(2)) : 1;
    if (Number.isFinite(q) && q > 0 && (!best || q > best.q)) best = { lang: base, q };
  }
  return best?.lang ?? "en";
}
