import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPath, launchBrowser, screenshot } from "./support/browser";
import { type RunningServer, startServer } from "./support/server";

if (!chromiumPath) {
  process.stdout.write("CHROMIUM_PATH is not set: skipping the end-to-end suite in Chromium.\n");
}

const ADMIN_NAME = "Admin";

describe.skipIf(!chromiumPath)("an agent works the inbox in Chromium", () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const shot = (page: Page, name: string) => screenshot(page, name);
  const dir = (page: Page) => page.evaluate(() => document.documentElement.dir);

  // The owner has no saved language at first, so the browser's language
  // decides; each run ends by switching, which saves the other language.
  for (const lang of ["ar", "en"] as const) {
    const other = lang === "ar" ? "en" : "ar";
    const expectedDir = lang === "ar" ? "rtl" : "ltr";

    it(`signs in, replies, notes, assigns, switches language and searches (${lang})`, async () => {
      const context = await browser.newContext({
        locale: lang === "ar" ? "ar-SA" : "en-US",
        viewport: { width: 1366, height: 860 },
      });
      const page = await context.newPage();
      try {
        await page.goto(`${server.url}/login`);
        await page.getByTestId("login-email").waitFor();
        expect(await dir(page)).toBe(expectedDir);
        await shot(page, `${lang}-01-sign-in`);
        await page.getByTestId("login-email").fill(server.adminEmail);
        await page.getByTestId("login-password").fill(server.adminPassword);
        await page.getByTestId("login-submit").click();

        await page.getByTestId("inbox-list").waitFor();
        await page.goto(`${server.url}/inbox/all`);
        await page.getByTestId("conversation-row").first().waitFor();
        expect(await dir(page)).toBe(expectedDir);
        expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
        expect(await page.getByTestId("conversation-row").count()).toBeGreaterThanOrEqual(5);
        await shot(page, `${lang}-02-inbox`);

        // Open the Arabic refund request from the demo data.
        await page.getByTestId("conversation-row").filter({ hasText: "استرجاع" }).first().click();
        await page.getByTestId("timeline").waitFor();
        await page.getByTestId("message-item").first().waitFor();
        await shot(page, `${lang}-03-conversation`);

        const reply =
          lang === "ar"
            ? "تم إرسال ملصق الشحن إلى بريدك الإلكتروني."
            : "The shipping label is on its way to your inbox.";
        await page.getByTestId("composer-mode-reply").click();
        await page.getByTestId("composer-textarea").fill(reply);
        await page.getByTestId("composer-send").click();
        await page.getByTestId("message-item").filter({ hasText: reply }).waitFor();
        await shot(page, `${lang}-04-reply`);

        const note =
          lang === "ar"
            ? "ملاحظة داخلية: العميلة تفضل التواصل مساءً."
            : "Internal note: customer prefers evening calls.";
        await page.getByTestId("composer-mode-note").click();
        await page.getByTestId("composer-textarea").fill(note);
        await page.getByTestId("composer-send").click();
        const noteItem = page.getByTestId("message-item").filter({ hasText: note });
        await noteItem.waitFor();
        expect(await noteItem.first().getAttribute("data-kind")).toBe("note");
        await shot(page, `${lang}-05-note`);

        // Assign to nobody, then to the admin, so the step changes something in both runs.
        const assignee = page.getByTestId("assignee-select");
        await assignee.click();
        await page.getByRole("option").first().click();
        await assignee.click();
        await page.getByRole("option", { name: ADMIN_NAME }).click();
        await expect.poll(() => assignee.inputValue()).toBe(ADMIN_NAME);
        await page.getByTestId("event-item").first().waitFor();
        await shot(page, `${lang}-06-assigned`);

        await page.getByTestId("language-switch").click();
        await expect.poll(() => dir(page)).toBe(other === "ar" ? "rtl" : "ltr");
        await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(other);
        await shot(page, `${lang}-07-switched-to-${other}`);

        await page.getByTestId("search-input").fill("الاسترجاع");
        await page.getByTestId("search-input").press("Enter");
        await page.getByTestId("search-results").waitFor();
        const hit = page.getByTestId("search-result-conversation").filter({ hasText: "استرجاع" });
        await hit.first().waitFor();
        await shot(page, `${lang}-08-search-arabic`);
      } finally {
        await context.close();
      }
    });
  }

  it("is usable at phone width in both languages", async () => {
    for (const lang of ["ar", "en"] as const) {
      const context = await browser.newContext({
        locale: lang,
        viewport: { width: 375, height: 780 },
        isMobile: true,
        hasTouch: true,
      });
      const page = await context.newPage();
      try {
        await page.goto(`${server.url}/login`);
        await page.getByTestId("login-email").fill(server.adminEmail);
        await page.getByTestId("login-password").fill(server.adminPassword);
        await page.getByTestId("login-submit").click();
        await page.getByTestId("inbox-list").waitFor();
        // The saved language wins over the browser's once chosen; set it for this view.
        if ((await page.evaluate(() => document.documentElement.lang)) !== lang) {
          await page.getByTestId("language-switch").first().click();
          await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(lang);
        }
        await page.goto(`${server.url}/inbox/all`);
        await page.getByTestId("conversation-row").first().waitFor();
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow).toBeLessThanOrEqual(1);
        await page.getByTestId("nav-burger").waitFor();
        await shot(page, `${lang}-09-phone-inbox`);
        await page.getByTestId("conversation-row").first().click();
        await page.getByTestId("message-item").first().waitFor();
        await shot(page, `${lang}-10-phone-conversation`);
      } finally {
        await context.close();
      }
    }
  });
});
