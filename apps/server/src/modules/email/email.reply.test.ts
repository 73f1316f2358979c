import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { corpusPath } from "../../test/corpora";
import { splitReply, splitReplyHtml } from "./email.reply";

describe("reply extraction", () => {
  it("keeps a message without history whole", () => {
    expect(splitReply("Hello,\n\nMy order has not arrived.\n")).toEqual({
      visible: "Hello,\n\nMy order has not arrived.",
      quoted: "",
    });
    expect(splitReply("").visible).toBe("");
  });

  it("cuts an Arabic attribution «كتب» and the quote below it", () => {
    const text =
      "تم حل المشكلة، شكراً جزيلاً.\n\nفي الأحد، ٥ يناير ٢٠٢٥ في ١٠:٠٠ ص، فريق الدعم <support@example.com> كتب:\n> مرحباً أحمد، هل ما زالت المشكلة قائمة؟\n";
    const split = splitReply(text);
    expect(split.visible).toBe("تم حل المشكلة، شكراً جزيلاً.");
    expect(split.quoted).toContain("> مرحباً أحمد");
  });

  it("cuts an English attribution wrapped over lines", () => {
    const split = splitReply(
      "Thanks, that works.\n\nOn Tue, 1 Mar 2011 at 18:02, Support Team\n<support@example.com> wrote:\n> Try again please.\n",
    );
    expect(split.visible).toBe("Thanks, that works.");
    expect(split.quoted).toMatch(/^On Tue/);
  });

  it("cuts Outlook banners and header blocks in English and Arabic", () => {
    expect(splitReply("Fine.\n\n-----Original Message-----\nFrom: a@b.c\nSent: today\n\nold").visible).toBe(
      "Fine.",
    );
    expect(splitReply("حسناً.\n\n-----الرسالة الأصلية-----\nمن: الدعم\nأرسل: اليوم\n\nقديم").visible).toBe(
      "حسناً.",
    );
    expect(
      splitReply(
        "شكراً\n\nمن: فريق الدعم <support@example.com>\nأُرسل: الأحد\nإلى: أحمد\nالموضوع: طلبك\n\nنص قديم",
      ).visible,
    ).toBe("شكراً");
    expect(
      splitReply(
        "OK\n________________________________\nFrom: Support <s@example.com>\nSent: Monday\nTo: me\n\nold",
      ).visible,
    ).toBe("OK");
  });

  it("cuts signatures after '-- ' and a mobile client's line, but not dashes in text", () => {
    expect(splitReply("See you.\n-- \nAhmed Ali\nSales")).toEqual({
      visible: "See you.",
      quoted: "--\nAhmed Ali\nSales",
    });
    expect(splitReply("تم.\n\nأرسلت من iPhone").visible).toBe("تم.");
    expect(splitReply("Points:\n-- first\n-- second\n\nThanks").visible).toBe(
      "Points:\n-- first\n-- second\n\nThanks",
    );
  });

  it("keeps own text between quotes (inline answers) and drops the quotes", () => {
    const split = splitReply("> Question one?\n\nAnswer one.\n\n> Question two?\n\nAnswer two.\n");
    expect(split.visible).toBe("Answer one.\n\nAnswer two.");
  });

  it("shows the whole message when it is nothing but a quote", () => {
    expect(splitReply("> only a quote\n> here").visible).toBe("> only a quote\n> here");
  });

  it("splits HTML at the quote container of common mail clients", () => {
    const gmail =
      '<div dir="rtl">شكراً</div><div class="gmail_quote"><div>On … wrote:</div><blockquote>old</blockquote></div>';
    expect(splitReplyHtml(gmail)).toEqual({
      visible: '<div dir="rtl">شكراً</div>',
      quoted: '<div class="gmail_quote"><div>On … wrote:</div><blockquote>old</blockquote></div>',
    });
    expect(splitReplyHtml('<p>Hi</p><blockquote type="cite">old</blockquote>').visible).toBe("<p>Hi</p>");
    expect(splitReplyHtml('<div class="gmail_quote">all quote</div>').quoted).toBeNull();
  });
});

// Visible reply of each fixture, labelled by hand under this rule: the
// customer's own words (sign-off included) without quoted history, quote
// headers, forwarded or original-message blocks, "-- " signatures and
// mobile-client lines. A number is "the first N lines"; ranges are 1-based
// inclusive line ranges kept, for inline answers between quotes.
const LABELS: Record<string, number | [number, number][]> = {
  correct_sig: 1,
  email_1: 7,
  email_10: 5,
  email_11: 5,
  email_12: 5,
  email_13: 5,
  email_14: 5,
  email_15: 5,
  email_16: 5,
  email_17: 5,
  email_18: 5,
  email_2: [
    [1, 1],
    [8, 34],
  ],
  email_22: 5,
  email_23: 5,
  email_24: 5,
  email_25: 5,
  email_26: 5,
  email_3: 5,
  email_4: 1,
  email_5: 15,
  email_6: 3,
  email_7: 5,
  email_8: 5,
  email_9: 5,
  email_danish_dash_separator: 5,
  email_emoji: 7,
  email_en_multiline_2: 5,
  email_finnish: 5,
  email_fr_multiline: 5,
  email_french_2: 5,
  email_french_dash_separator: 5,
  email_german: 5,
  email_german_2: 5,
  email_german_3: 5,
  email_german_outlook: 5,
  email_gmail_split_line_from: 5,
  email_ios_outlook: 5,
  email_ios_outlook_fr: 5,
  email_italian: 5,
  email_msn: 5,
  email_norwegian_gmail: 5,
  email_not_a_signature: 16,
  email_not_a_signature_2: 10,
  email_one_is_not_on: 5,
  email_original_message: 5,
  email_original_message_2: 5,
  email_outlook_split_line_from: 5,
  email_portuguese: 5,
  email_reply_header: 11,
  email_russian: 5,
  email_sent_from: 1,
  email_tricky_10_special_chars_in_name: 5,
  email_tricky_11_double_signature: 4,
  email_tricky_12_no_space_after_header: 5,
  email_tricky_13_timestamp_variations: 9,
  email_tricky_14_long_quote_header: 5,
  email_tricky_15_original_message_variations: 5,
  email_tricky_16_unicode_signatures: 10,
  email_tricky_17_forward_header: 1,
  email_tricky_18_inline_reply: [
    [4, 4],
    [8, 8],
    [12, 12],
  ],
  email_tricky_19_quote_without_header: [
    [1, 1],
    [7, 7],
    [12, 12],
  ],
  email_tricky_1_on_false_positive: 6,
  email_tricky_20_html_entities: 3,
  email_tricky_2_url_with_wrote: 8,
  email_tricky_3_code_block: 12,
  email_tricky_4_from_in_body: 5,
  email_tricky_5_mixed_languages: 5,
  email_tricky_6_regards_in_sentence: 7,
  email_tricky_7_multiple_dashes: 15,
  email_tricky_8_sent_from_in_content: 5,
  email_tricky_9_nested_quotes: 1,
  email_with_regards: 10,
  email_zoho: 2,
  sig_no_empty_line: 1,
};

const FIXTURES = corpusPath("email-replies/crisp-oss__email-reply-parser/test/fixtures");
const corpus = fs.existsSync(FIXTURES);
const norm = (s: string) =>
  s
    .replace(/[ \t]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();

describe.skipIf(!corpus)("reply extraction over the email-replies corpus", () => {
  it("matches the hand labels exactly on most fixtures", () => {
    let total = 0;
    let exact = 0;
    const misses: string[] = [];
    for (const file of fs
      .readdirSync(FIXTURES)
      .filter((f) => f.endsWith(".txt"))
      .sort()) {
      const name = file.replace(/\.txt$/, "");
      const label = LABELS[name];
      if (label === undefined) continue;
      const text = fs.readFileSync(path.join(FIXTURES, file), "utf8");
      const lines = text.replace(/\r\n?/g, "\n").split("\n");
      const expected =
        typeof label === "number"
          ? norm(lines.slice(0, label).join("\n"))
          : norm(label.map(([a, b]) => lines.slice(a - 1, b).join("\n")).join("\n\n"));
      total++;
      if (splitReply(text).visible === expected) exact++;
      else misses.push(name);
    }
    const rate = exact / total;
    console.log(`reply extraction exact match: ${exact}/${total} = ${(rate * 100).toFixed(1)}%`, misses);
    expect(total).toBeGreaterThan(60);
    expect(rate).toBeGreaterThanOrEqual(0.95);
  });
});
if (!corpus) console.log(`reply corpus not found at ${FIXTURES}: corpus test skipped`);
