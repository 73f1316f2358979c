import { Fragment } from "react";
import { splitMentions } from "./mentions";

/** Message text with `@[Name](user:ID)` markup shown as a highlighted @Name. */
export function MentionText({ text }: { text: string }) {
  return (
    <>
      {splitMentions(text).map((part, index) =>
        part.kind === "text" ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: parts never reorder
          <Fragment key={index}>{part.text}</Fragment>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: parts never reorder
          <span key={index} className="mention" data-testid="mention" data-user-id={part.userId}>
            @{part.name}
          </span>
        ),
      )}
    </>
  );
}
