import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";

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

/**
 * Saves a screenshot of the page as `name`.png once its finite CSS
 * transitions and animations have ended (at most a second): a shot taken
 * right after switching direction would catch the shell mid-slide.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.evaluate(() =>
    Promise.race([
      Promise.all(
        document
          .getAnimations()
          .filter((a) => a.effect?.getComputedTiming().endTime !== Number.POSITIVE_INFINITY)
          .map((a) => a.finished.catch(() => undefined)),
      ),
      new Promise((resolve) => setTimeout(resolve, 1000)),
    ]),
  );
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: false });
}
