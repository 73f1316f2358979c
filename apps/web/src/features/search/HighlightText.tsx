import { highlightParts } from "./highlight";

/** A search snippet with the query's words marked; always rendered as text, never as HTML. */
export function HighlightText({ text, query }: { text: string; query: string }) {
  return (
    <bdi className="highlight">
      {highlightParts(text, query).map((part, index) =>
        // biome-ignore lint/suspicious/noArrayIndexKey: parts never reorder
        part.match ? <mark key={index}>{part.text}</mark> : <span key={index}>{part.text}</span>,
      )}
    </bdi>
  );
}
