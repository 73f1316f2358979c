import { useEffect, useRef } from "react";

/** Keys the app reacts to. */
export type ShortcutKey = "j" | "k" | "o" | "x" | "enter" | "r" | "n" | "e" | "/" | "?";

const LETTERS = new Set(["j", "k", "o", "x", "r", "n", "e"]);

/** True when the key goes to something the user is typing in. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
}

/**
 * The shortcut a key press stands for. Letters are read from the physical key
 * too, so they still work with an Arabic keyboard layout.
 */
export function shortcutOf(event: KeyboardEvent): ShortcutKey | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  if (event.key === "?" || (event.code === "Slash" && event.shiftKey)) return "?";
  if (event.key === "/" || event.code === "Slash") return "/";
  if (event.key === "Enter") return "enter";
  const key = event.key.toLowerCase();
  if (LETTERS.has(key)) return key as ShortcutKey;
  if (event.code.startsWith("Key")) {
    const physical = event.code.slice(3).toLowerCase();
    if (LETTERS.has(physical)) return physical as ShortcutKey;
  }
  return null;
}

/** Binds shortcut handlers while mounted; ignored while typing or when a dialog is open. */
export function useShortcuts(handlers: Partial<Record<ShortcutKey, () => void>>, enabled = true): void {
  const ref = useRef(handlers);
  ref.current = handlers;

  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.repeat || isTypingTarget(event.target)) return;
      if (document.querySelector('[role="dialog"][aria-modal="true"]')) return;
      const key = shortcutOf(event);
      if (!key) return;
      // Enter on a focused button or link keeps its own meaning.
      if (key === "enter" && event.target instanceof HTMLElement && event.target.closest("button, a")) return;
      const handler = ref.current[key];
      if (!handler) return;
      event.preventDefault();
      handler();
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [enabled]);
}
