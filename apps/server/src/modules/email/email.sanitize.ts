import type SanitizeHtml from "sanitize-html";
import { lazyPackage } from "../../platform/lazy";

const sanitizeHtml = lazyPackage<typeof SanitizeHtml>("sanitize-html");

/** How to rewrite image sources while sanitising. */
export interface SanitizeOptions {
  /** Content-ID (without brackets, lower case) → the URL that serves the stored inline image. */
  cidUrls?: Map<string, string>;
}

const tags = () => [
  ...sanitizeHtml().defaults.allowedTags.filter((t) => t !== "style"),
  "img",
  "font",
  "center",
  "del",
  "ins",
  "u",
  "s",
  "sub",
  "sup",
];

const TRANSPARENT_GIF = "";

/**
 * Sanitises inbound email HTML for display in the agent app: no scripts,
 * styles, event handlers, forms or frames; links open in a new tab without
 * a referrer; cid: images point at their stored attachment; remote images
 * are blocked (their address kept in data-blocked-src), so opening a
 * message tells no tracker that it was read.
 */
export function sanitizeEmailHtml(html: string, options: SanitizeOptions = {}): string {
  return sanitizeHtml()(html, {
    allowedTags: tags(),
    allowedAttributes: {
      "*": ["dir", "lang", "align", "title"],
      a: ["href", "name", "target", "rel"],
      img: ["src", "alt", "width", "height", "data-blocked-src", "data-cid"],
      td: ["colspan", "rowspan", "valign", "width"],
      th: ["colspan", "rowspan", "valign", "width"],
      table: ["width", "border", "cellpadding", "cellspacing"],
      ol: ["start", "type"],
      font: ["color"],
    },
    allowedSchemes: ["http", "https", "mailto", "tel"],
    allowedSchemesByTag: { img: ["http", "https", "cid"] },
    allowProtocolRelative: false,
    disallowedTagsMode: "discard",
    nonTextTags: ["style", "script", "textarea", "option", "noscript", "title", "head"],
    transformTags: {
      a: (tagName, attribs) => ({
        tagName,
        attribs: { ...attribs, target: "_blank", rel: "noopener noreferrer nofollow" },
      }),
      img: (tagName, attribs) => {
        const src = (attribs.src ?? "").trim();
        const next: Record<string, string> = {};
        if (attribs.alt) next.alt = attribs.alt;
        if (attribs.width) next.width = attribs.width;
        if (attribs.height) next.height = attribs.height;
        if (/^cid:/i.test(src)) {
          const cid = decodeURIComponent(src.slice(4)).replace(/^<|>$/g, "").toLowerCase();
          const url = options.cidUrls?.get(cid);
          if (url) next.src = url;
          next["data-cid"] = cid;
        } else if (/^https?:\/\//i.test(src)) {
          next["data-blocked-src"] = src;
          next.src = TRANSPARENT_GIF;
        }
        return { tagName, attribs: next };
      },
    },
    exclusiveFilter: (frame) =>
      frame.tag === "img" &&
      !frame.attribs.src &&
      !frame.attribs["data-blocked-src"] &&
      !frame.attribs["data-cid"],
  }).trim();
}

/** Whether sanitised HTML shows anything (text or an image). */
export function htmlHasContent(html: string): boolean {
  return /<img\b/i.test(html) || html.replace(/<[^>]*>/g, "").replace(/&nbsp;|\s/g, "") !== "";
}
