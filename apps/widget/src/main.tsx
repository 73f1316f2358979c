/** @jsxImportSource preact */
import { render } from "preact";
import { App, type Identity } from "./App";
import { WidgetApi } from "./api";
import { pageLanguage, translator } from "./i18n";
import { css } from "./styles";

declare global {
  interface Window {
    KhidmaSettings?: { userId?: string; userHash?: string; name?: string; email?: string };
    Khidma?: { identify(identity: Identity): void };
  }
}

// Runs once per page: finds its own script tag, reads the widget key and
// mounts the launcher inside a Shadow DOM so the page's styles cannot reach it.
async function boot(): Promise<void> {
  const script =
    (document.currentScript as HTMLScriptElement | null) ??
    document.querySelector<HTMLScriptElement>("script[data-khidma]");
  const key = script?.dataset.khidma;
  if (!script || !key || document.getElementById("khidma-widget")) return;
  const base = new URL(script.src, location.href).origin;
  const lang = pageLanguage();
  const t = translator(lang);
  const api = new WidgetApi(base, key, lang);
  const config = await api.config();

  const host = document.createElement("div");
  host.id = "khidma-widget";
  document.body.appendChild(host);
  const root = host.attachShadow({ mode: "open" });
  const style = document.createElement("style");
  style.textContent = css;
  root.appendChild(style);
  const mount = document.createElement("div");
  root.appendChild(mount);

  const s = window.KhidmaSettings;
  let identity: Identity | null =
    s?.userId && s.userHash
      ? ({ userId: s.userId, hmac: s.userHash, name: s.name, email: s.email } as Identity)
      : null;
  const draw = () => render(<App api={api} config={config} lang={lang} t={t} identity={identity} />, mount);
  window.Khidma = {
    identify(next) {
      identity = next;
      render(null, mount);
      draw();
    },
  };
  draw();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => void boot());
else void boot();
