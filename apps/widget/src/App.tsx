/** @jsxImportSource preact */
import type { VisitorMessage, WidgetPublicConfig } from "@khidma/contracts";
import { useEffect, useRef, useState } from "preact/hooks";
import type { WidgetApi } from "./api";
import { ChatConnection, newClientId, type Pending } from "./connection";
import { OfflineForm, PrechatForm } from "./Forms";
import type { Lang, T } from "./i18n";

/** What the host page may pass (window.KhidmaSettings or Khidma.identify). */
export interface Identity {
  userId: string;
  hmac: string;
  name?: string;
  email?: string;
}

interface Props {
  api: WidgetApi;
  config: WidgetPublicConfig;
  lang: Lang;
  t: T;
  identity: Identity | null;
}

const MAX_FILE = 10 * 1024 * 1024;
const FILE_TYPES = /^(image\/(png|jpeg|gif|webp)|application\/pdf)$/;
const tokenKey = (key: string) => `khidma:${key}:token`;

function load(key: string): string | null {
  try {
    return localStorage.getItem(tokenKey(key));
  } catch {
    return null;
  }
}
function save(key: string, token: string): void {
  try {
    localStorage.setItem(tokenKey(key), token);
  } catch {
    // Private mode: the session lasts as long as the page.
  }
}

/** The launcher and the chat panel. */
export function App({ api, config, lang, t, identity }: Props) {
  const [open, setOpen] = useState(false);
  const [token, setToken] = useState<string | null>(null);
  const [known, setKnown] = useState(false);
  const [messages, setMessages] = useState<VisitorMessage[]>([]);
  const [pending, setPending] = useState<Pending[]>([]);
  const [typing, setTyping] = useState<string | null>(null);
  const [readSeq, setReadSeq] = useState(0);
  const [connected, setConnected] = useState(true);
  const [error, setError] = useState("");
  const [left, setLeft] = useState(false);
  const [draft, setDraft] = useState("");
  const conn = useRef<ChatConnection | null>(null);
  const launcher = useRef<HTMLButtonElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const list = useRef<HTMLDivElement>(null);
  const typingTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const typingSent = useRef(false);
  const [session, setSession] = useState(0);

  // A session: the saved token renewed, or a new one; identity when the host gave it.
  useEffect(() => {
    let cancelled = false;
    (async () => {
      let s = await api.session(load(api.key));
      if (identity) s = await api.identify(s.token, identity).catch(() => s);
      if (cancelled) return;
      save(api.key, s.token);
      setToken(s.token);
      setKnown(s.known);
      setReadSeq(s.agentReadSeq);
    })().catch(() => setConnected(false));
    return () => {
      cancelled = true;
    };
  }, [session]);

  useEffect(() => {
    if (!token || !config.online) return;
    const c = new ChatConnection(api.socketUrl(token), `khidma:${api.key}:outbox`, {
      messages: setMessages,
      pending: setPending,
      typing: (name, on) => setTyping(on ? name || t("someone") : null),
      read: (seq) => setReadSeq((r) => Math.max(r, seq)),
      status: setConnected,
      expired: () => {
        try {
          localStorage.removeItem(tokenKey(api.key));
        } catch {
          // nothing to forget
        }
        setSession((n) => n + 1);
      },
    });
    conn.current = c;
    c.start();
    return () => c.stop();
  }, [token]);

  // New messages scroll into view and, while the panel is open, count as read.
  useEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
    const last = [...messages].reverse().find((m) => m.from === "agent");
    if (open && last) conn.current?.markRead(last.seq);
  }, [messages, open, pending]);

  useEffect(() => {
    if (open) setTimeout(() => (input.current ?? list.current)?.focus(), 0);
  }, [open, known]);

  const close = () => {
    setOpen(false);
    setTimeout(() => launcher.current?.focus(), 0);
  };

  const sendText = (e: Event) => {
    e.preventDefault();
    const body = draft.trim();
    if (!body || !conn.current) return;
    conn.current.send({ clientId: newClientId(), body });
    conn.current.typing(false);
    typingSent.current = false;
    setDraft("");
  };

  const onInput = (value: string) => {
    setDraft(value);
    if (!typingSent.current) {
      conn.current?.typing(true);
      typingSent.current = true;
    }
    clearTimeout(typingTimer.current);
    typingTimer.current = setTimeout(() => {
      conn.current?.typing(false);
      typingSent.current = false;
    }, 3000);
  };

  const attach = async (file: File | undefined) => {
    if (!file || !token) return;
    setError("");
    if (file.size > MAX_FILE) return setError(t("fileTooBig"));
    if (!FILE_TYPES.test(file.type)) return setError(t("fileType"));
    try {
      const uploaded = await api.upload(token, file);
      conn.current?.send({ clientId: newClientId(), body: "", attachmentIds: [uploaded.id] });
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const submitForm = async (e: Event, offline: boolean) => {
    e.preventDefault();
    if (!token) return;
    const data = Object.fromEntries(new FormData(e.target as HTMLFormElement)) as Record<string, string>;
    setError("");
    try {
      if (offline) {
        await api.offline(token, {
          name: data.name ?? "",
          email: data.email ?? "",
          body: data.body ?? "",
          clientId: newClientId(),
        });
        setLeft(true);
      } else {
        const fields = Object.fromEntries(Object.entries(data).filter(([, v]) => v.trim()));
        const s = await api.prechat(token, fields);
        setKnown(s.known);
      }
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const greeting = config.greeting[lang] || config.greeting.en;
  const askFirst = !known && Object.values(config.prechat).some((r) => r !== "off") && messages.length === 0;
  const lastVisitor = [...messages].reverse().find((m) => m.from === "visitor");

  if (!config.online && config.offlineMode === "hidden") return null;

  return (
    <div
      class={`w ${config.position}`}
      dir={lang === "ar" ? "rtl" : "ltr"}
      lang={lang}
      style={{ "--kh": config.color }}
    >
      {open && (
        <div
          class="p"
          id="kh-panel"
          role="dialog"
          aria-label={t("title")}
          onKeyDown={(e) => e.key === "Escape" && close()}
        >
          <div class="h">
            <div style={{ flex: 1 }}>
              <h2>{t("title")}</h2>
              <p>{config.online ? t("online") : t("offline")}</p>
            </div>
            <button type="button" class="x" aria-label={t("close")} onClick={close}>
              ×
            </button>
          </div>
          {!config.online ? (
            <OfflineForm
              t={t}
              greeting={greeting}
              left={left}
              error={error}
              onSubmit={(e) => submitForm(e, true)}
            />
          ) : askFirst ? (
            <PrechatForm
              t={t}
              greeting={greeting}
              rules={config.prechat}
              error={error}
              onSubmit={(e) => submitForm(e, false)}
            />
          ) : (
            <>
              <div class="m" ref={list} role="log" aria-live="polite" aria-label={t("messages")}>
                <p class="g">{greeting}</p>
                {messages.map((m) => (
                  <div key={m.seq} class={`b ${m.from === "visitor" ? "v" : "a"}`}>
                    <div class="n">{m.from === "visitor" ? t("you") : m.authorName || t("someone")}</div>
                    {m.attachments.length > 0 && m.body.startsWith("📎") ? null : m.body}
                    {m.attachments.map((f) =>
                      f.contentType.startsWith("image/") && token ? (
                        <img key={f.id} src={api.fileUrl(token, f.id)} alt={f.name} />
                      ) : (
                        <a
                          key={f.id}
                          href={token ? api.fileUrl(token, f.id) : "#"}
                          target="_blank"
                          rel="noopener"
                        >
                          {t("file")}: {f.name}
                        </a>
                      ),
                    )}
                    {m === lastVisitor && readSeq >= m.seq && pending.length === 0 && (
                      <div class="s">{t("seen")}</div>
                    )}
                  </div>
                ))}
                {pending.map((m) => (
                  <div key={m.clientId} class="b v" aria-busy="true">
                    {m.body || t("file")}
                    <div class="s">{t("sending")}</div>
                  </div>
                ))}
              </div>
              <div class="t" aria-live="polite">
                {!connected ? t("reconnecting") : typing ? t("agentTyping", { name: typing }) : ""}
              </div>
              {error && (
                <p class="e" role="alert" style={{ padding: "0 12px" }}>
                  {error}
                </p>
              )}
              <form class="c" onSubmit={sendText}>
                <label class="i" title={t("attach")}>
                  <svg viewBox="0 0 24 24" aria-hidden="true">
                    <path d="M21 11.5l-8.5 8.5a5 5 0 0 1-7-7l8.5-8.5a3.3 3.3 0 0 1 4.7 4.7l-8.5 8.5a1.7 1.7 0 0 1-2.4-2.4l7.8-7.8" />
                  </svg>
                  <span class="sr">{t("attach")}</span>
                  <input
                    type="file"
                    class="sr"
                    accept="image/png,image/jpeg,image/gif,image/webp,application/pdf"
                    onChange={(e) => {
                      const el = e.currentTarget;
                      void attach(el.files?.[0]);
                      el.value = "";
                    }}
                  />
                </label>
                <label class="sr" for="kh-input">
                  {t("placeholder")}
                </label>
                <textarea
                  id="kh-input"
                  ref={input}
                  rows={1}
                  value={draft}
                  placeholder={t("placeholder")}
                  onInput={(e) => onInput(e.currentTarget.value)}
                  onKeyDown={(e) => {
                    if (e.key === "Enter" && !e.shiftKey) sendText(e);
                  }}
                />
                <button class="go" type="submit">
                  {t("send")}
                </button>
              </form>
            </>
          )}
        </div>
      )}
      <button
        ref={launcher}
        type="button"
        class="l"
        aria-label={open ? t("close") : t("open")}
        aria-expanded={open}
        aria-controls="kh-panel"
        onClick={() => (open ? close() : setOpen(true))}
      >
        <svg viewBox="0 0 24 24" aria-hidden="true">
          {open ? (
            <path d="M18.3 5.7a1 1 0 0 0-1.4 0L12 10.6 7.1 5.7a1 1 0 0 0-1.4 1.4l4.9 4.9-4.9 4.9a1 1 0 1 0 1.4 1.4l4.9-4.9 4.9 4.9a1 1 0 0 0 1.4-1.4L13.4 12l4.9-4.9a1 1 0 0 0 0-1.4z" />
          ) : (
            <path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z" />
          )}
        </svg>
      </button>
    </div>
  );
}
