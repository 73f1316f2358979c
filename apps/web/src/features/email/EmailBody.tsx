import DOMPurify from "dompurify";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";

// Inbound HTML was sanitised by the server; it is sanitised again here
// (defence in depth) and shown in a sandboxed frame without scripts, so its
// styles cannot leak into the app and nothing in it can run. Images load only
// from this server (attachments) or data: URLs: remote images would tell the
// sender when and where the email was read.
const CSP =
  "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; font-src data:; base-uri 'none'; form-action 'none'";

/** The HTML sanitised for display: no scripts, forms, frames or event handlers; links open outside. */
export function sanitizeEmailHtml(html: string): string {
  const clean = DOMPurify.sanitize(html, {
    FORBID_TAGS: [
      "form",
      "input",
      "button",
      "textarea",
      "select",
      "iframe",
      "object",
      "embed",
      "base",
      "meta",
      "link",
    ],
    FORBID_ATTR: ["srcset"],
    WHOLE_DOCUMENT: false,
  });
  return clean;
}

function documentFor(html: string, lang: string): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<base target="_blank">
<style>
  html, body { margin: 0; padding: 0; }
  body { font: 14px/1.6 system-ui, -apple-system, "Segoe UI", Tahoma, Arial, sans-serif; color: #1f2328;
    overflow-wrap: anywhere; }
  img { max-width: 100%; height: auto; }
  table { max-width: 100%; }
  blockquote { margin: 0 0 0 0; padding-inline-start: 10px; border-inline-start: 3px solid #d0d7de; color: #57606a; }
  pre { white-space: pre-wrap; }
  a { color: #1c7ed6; }
</style></head><body dir="auto">${html}</body></html>`;
}

/**
 * Shows an email's HTML in an isolated frame that grows to its content.
 * The frame may read its own document (to measure it) but runs no scripts.
 */
export function EmailBody({ html, lang, testId }: { html: string; lang: string; testId?: string }) {
  const frame = useRef<HTMLIFrameElement>(null);
  const [height, setHeight] = useState(40);
  const srcDoc = useMemo(() => documentFor(sanitizeEmailHtml(html), lang), [html, lang]);

  const measure = useCallback(() => {
    const doc = frame.current?.contentDocument;
    if (!doc?.body) return;
    setHeight(Math.min(4000, Math.max(24, doc.documentElement.scrollHeight)));
  }, []);

  const observer = useRef<ResizeObserver | null>(null);
  // Attached as the frame's onLoad prop, so a srcdoc that loads before any
  // effect runs is still measured.
  const onLoad = useCallback(() => {
    const doc = frame.current?.contentDocument;
    measure();
    if (!doc?.body) return;
    observer.current?.disconnect();
    if (typeof ResizeObserver !== "undefined") {
      observer.current = new ResizeObserver(measure);
      observer.current.observe(doc.body);
    }
    // Images load after the document: measure again when they do.
    for (const img of Array.from(doc.images)) img.addEventListener("load", measure);
  }, [measure]);
  useEffect(() => () => observer.current?.disconnect(), []);

  return (
    <iframe
      ref={frame}
      title="email"
      srcDoc={srcDoc}
      sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"
      referrerPolicy="no-referrer"
      onLoad={onLoad}
      data-testid={testId ?? "email-html"}
      style={{ width: "100%", height, border: 0, display: "block", background: "transparent" }}
    />
  );
}
