/** @jsxImportSource preact */
import type { WidgetPublicConfig } from "@khidma/contracts";
import type { T } from "./i18n";

function ErrorLine({ error }: { error: string }) {
  return error ? (
    <p class="e" role="alert">
      {error}
    </p>
  ) : null;
}

/** Outside business hours: a name, an email address and the message, answered later by email. */
export function OfflineForm(props: {
  t: T;
  greeting: string;
  left: boolean;
  error: string;
  onSubmit: (e: Event) => void;
}) {
  const { t } = props;
  return (
    <form class="f" onSubmit={props.onSubmit}>
      {props.left ? (
        <p role="status">{t("left")}</p>
      ) : (
        <>
          <p class="g">{props.greeting}</p>
          <label>
            {t("name")} *
            <input name="name" required autoComplete="name" />
          </label>
          <label>
            {t("email")} *
            <input name="email" type="email" required autoComplete="email" />
          </label>
          <label>
            {t("message")} *
            <textarea name="body" required rows={4} />
          </label>
          <ErrorLine error={props.error} />
          <button class="go" type="submit">
            {t("leave")}
          </button>
        </>
      )}
    </form>
  );
}

/** The pre-chat form: the fields the widget asks for, required ones marked. */
export function PrechatForm(props: {
  t: T;
  greeting: string;
  rules: WidgetPublicConfig["prechat"];
  error: string;
  onSubmit: (e: Event) => void;
}) {
  const { t, rules } = props;
  const field = (name: "name" | "email" | "phone", type: "text" | "email" | "tel") =>
    rules[name] === "off" ? null : (
      <label>
        {t(name)}
        {rules[name] === "required" ? " *" : ""}
        <input
          name={name}
          type={type as "text"}
          required={rules[name] === "required"}
          autoComplete={name === "phone" ? "tel" : name}
        />
      </label>
    );
  return (
    <form class="f" onSubmit={props.onSubmit}>
      <p class="g">{props.greeting}</p>
      {field("name", "text")}
      {field("email", "email")}
      {field("phone", "tel")}
      <ErrorLine error={props.error} />
      <button class="go" type="submit">
        {t("start")}
      </button>
    </form>
  );
}
