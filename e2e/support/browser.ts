import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";

/** Where screenshots of each step go (not committed). */
export const screenshotDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../output/screenshots",
);

/** The Chromium to drive, from CHROMIUM_PATH; the browser suites skip without it. */
export const chromiumPath = process.env.CHROMIUM_PATH || "";

/** Launches Debian's Chromium headless with the flags this environment needs. */
export function launchBrowser(): Promise<Browser> {
  fs.mkdirSync(screenshotDir, { recursive: true });
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
