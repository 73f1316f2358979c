import { execFileSync } from "node:child_process";
import http from "node:http";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPath, launchBrowser, screenshot } from "./support/browser";
import { freePort, type RunningServer, startServer } from "./support/server";

if (!chromiumPath) {
  process.stdout.write("CHROMIUM_PATH is not set: skipping the widget suite in Chromium.\n");
}

/** A shop's page on another origin, embedding the widget with one script tag. */
function hostPage(serverUrl: string, key: string) {
  return (req: http.IncomingMessage, res: http.ServerResponse) => {
    const lang = new URL(req.url ?? "/", "http://x").searchParams.get("lang") === "ar" ? "ar" : "en";
    const title = lang === "ar" ? "متجر الورد" : "Rose Shop";
    const text =
      lang === "ar" ? "أهلًا بك في متجرنا. اسألنا عن أي طلب." : "Welcome to our shop. Ask us about any order.";
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html lang="${lang}" dir="${lang === "ar" ? "rtl" : "ltr"}"><head><meta charset="utf-8">
<title>${title}</title><style>body{font-family:sans-serif;margin:40px;background:#fdf6f0}</style></head>
<body><h1>${title}</h1><p>${text}</p>
<script src="${serverUrl}/widget.js" data-khidma="${key}" async></script></body></html>`);
  };
}

describe.skipIf(!chromiumPath)("a visitor chats through the widget with an agent, in Chromium", () => {
  let server: RunningServer;
  let browser: Browser;
  let host: http.Server;
  let hostUrl = "";
  let agentContext: BrowserContext;
  let agent: Page;
  let key = "";

  const shot = (page: Page, name: string) => screenshot(page, `widget-${name}`);

  beforeAll(async () => {
    // The server serves the built bundle; build it from the current source.
    execFileSync(process.execPath, [path.resolve(import.meta.dirname, "../apps/widget/build.mjs")]);
    server = await startServer();
    browser = await launchBrowser();
    agentContext = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 820 } });
    agent = await agentContext.newPage();
    await agent.goto(`${server.url}/login`);
    await agent.getByTestId("login-email").fill(server.adminEmail);
    await agent.getByTestId("login-password").fill(server.adminPassword);
    await agent.getByTestId("login-submit").click();
    await agent.getByTestId("inbox-list").waitFor();

    // The admin creates the widget on its screen; the secret is shown once.
    await agent.goto(`${server.url}/admin/widgets`);
    await agent.getByTestId("widget-name").fill("Rose Shop");
    await agent.getByTestId("widget-create").click();
    await agent.getByTestId("widget-secret").waitFor();
    await shot(agent, "en-00-admin-secret");
    await agent.keyboard.press("Escape");
    await agent.getByTestId("widget-secret").waitFor({ state: "detached" });
    await agent.getByTestId("widget-card").waitFor();
    await shot(agent, "en-00-admin-widget");
    const snippet = await agent.getByTestId("widget-card").locator("input").first().inputValue();
    key = /data-khidma="([^"]+)"/.exec(snippet)?.[1] ?? "";
    expect(key).toMatch(/^kw_\d+_/);

    const port = await freePort();
    host = http.createServer(hostPage(server.url, key));
    await new Promise<void>((resolve) => host.listen(port, "127.0.0.1", resolve));
    hostUrl = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await agentContext?.close();
    await browser?.close();
    await new Promise((r) => (host ? host.close(r) : r(null)));
    await server?.stop();
  });

  for (const lang of ["ar", "en"] as const) {
    it(`the visitor writes, the agent answers, the visitor sees it (${lang})`, async () => {
      const visitorContext = await browser.newContext({
        locale: lang === "ar" ? "ar-SA" : "en-US",
        viewport: { width: 1000, height: 760 },
      });
      const visitor = await visitorContext.newPage();
      // The agent side in the same language: a browser of that locale signs in.
      const agentCtx = await browser.newContext({
        locale: lang === "ar" ? "ar-SA" : "en-US",
        viewport: { width: 1280, height: 820 },
      });
      const agent = await agentCtx.newPage();
      try {
        await agent.goto(`${server.url}/login`);
        await agent.getByTestId("login-email").fill(server.adminEmail);
        await agent.getByTestId("login-password").fill(server.adminPassword);
        await agent.getByTestId("login-submit").click();
        await agent.getByTestId("inbox-list").waitFor();
        expect(await agent.evaluate(() => document.documentElement.lang)).toBe(lang);
        if (lang === "ar") {
          await agent.goto(`${server.url}/admin/widgets`);
          await agent.getByTestId("widget-card").waitFor();
          await shot(agent, "ar-00-admin-widget");
        }
        await visitor.goto(`${hostUrl}/?lang=${lang}`);
        const launcher = visitor.locator("#khidma-widget button.l");
        await launcher.waitFor();
        expect(await launcher.getAttribute("aria-label")).toBe(lang === "ar" ? "افتح الدردشة" : "Open chat");
        await shot(visitor, `${lang}-01-launcher`);
        await launcher.click();
        const panel = visitor.locator("#khidma-widget [role=dialog]");
        await panel.waitFor();
        expect(await visitor.locator("#khidma-widget .w").getAttribute("dir")).toBe(
          lang === "ar" ? "rtl" : "ltr",
        );

        // The pre-chat form asks for a name (optional by default).
        const name = lang === "ar" ? "سارة" : "Sarah";
        await panel.locator("input[name=name]").fill(name);
        await shot(visitor, `${lang}-02-prechat`);
        await panel.locator("button[type=submit]").click();
        const input = panel.locator("textarea#kh-input");
        await input.waitFor();
        expect(await input.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(
          true,
        );

        const question = lang === "ar" ? "مرحبًا، أين طلبي رقم ٤٥٢؟" : "Hi, where is my order 452?";
        await input.fill(question);
        await input.press("Enter");
        await panel.locator(".b.v").filter({ hasText: question }).waitFor();
        await expect.poll(() => panel.locator("[aria-busy=true]").count()).toBe(0);
        await shot(visitor, `${lang}-03-sent`);

        // The agent finds the chat in the inbox (live, or on the next load) and answers.
        await agent.goto(`${server.url}/inbox/all`);
        const row = agent.getByTestId("conversation-row").filter({ hasText: question.slice(0, 20) });
        await expect
          .poll(
            async () => {
              if ((await row.count()) > 0) return true;
              await agent.reload();
              await agent.getByTestId("inbox-list").waitFor();
              return (await row.count()) > 0;
            },
            { timeout: 20_000 },
          )
          .toBe(true);
        await row.first().click();
        await agent.getByTestId("message-item").filter({ hasText: question }).waitFor();
        // The name from the pre-chat form is the customer's name.
        await agent.getByTestId("message-item").filter({ hasText: name }).first().waitFor();
        // What the customer types in the widget shows the agent that they are typing.
        await input.fill(lang === "ar" ? "لحظة من فضلك" : "One moment please");
        await agent.getByTestId("customer-typing").waitFor();
        await shot(agent, `${lang}-04a-customer-typing`);
        await input.fill("");
        const answer =
          lang === "ar" ? "طلبك في الطريق وسيصل غدًا." : "Your order is on its way and arrives tomorrow.";
        await agent.getByTestId("composer-mode-reply").click();
        await agent.getByTestId("composer-textarea").fill(answer);
        await agent.getByTestId("composer-send").click();
        await agent.getByTestId("message-item").filter({ hasText: answer }).waitFor();
        await shot(agent, `${lang}-04-agent-replied`);

        // The reply reaches the open widget through its socket.
        await panel.locator(".b.a").filter({ hasText: answer }).waitFor({ timeout: 15_000 });
        // The agent had the chat open: the visitor's message shows as read.
        await panel
          .locator(".s")
          .filter({ hasText: lang === "ar" ? "تمت القراءة" : "Seen" })
          .waitFor();
        await shot(visitor, `${lang}-05-visitor-sees-reply`);

        // The history survives a page load (the token is kept in localStorage).
        await visitor.reload();
        await visitor.locator("#khidma-widget button.l").click();
        await visitor.locator("#khidma-widget .b.a").filter({ hasText: answer }).waitFor();
        expect(await visitor.locator("#khidma-widget .b.v").filter({ hasText: question }).count()).toBe(1);
        // Escape closes the panel and gives the focus back to the launcher. The
        // panel takes the focus just after it opens: press Escape once it has.
        const focused = () =>
          visitor.evaluate(
            () => document.getElementById("khidma-widget")?.shadowRoot?.activeElement?.className,
          );
        await expect
          .poll(async () => (await focused()) !== undefined && (await focused()) !== "l")
          .toBe(true);
        await visitor.keyboard.press("Escape");
        await expect.poll(focused).toBe("l");
      } finally {
        await visitorContext.close();
        await agentCtx.close();
      }
    });
  }

  it("outside business hours takes a message and an email address (ar)", async () => {
    // Hours on one day only, and not today: the widget is offline now.
    const today = new Date().getUTCDay();
    const status = await agent.evaluate(
      async ({ key, day }) => {
        const me = await (await fetch("/api/v1/auth/me")).json();
        const list = await (await fetch("/api/v1/widgets")).json();
        const widget = list.items.find((w: { key: string }) => w.key === key);
        const res = await fetch(`/api/v1/widgets/${widget.id}`, {
          method: "PATCH",
          headers: { "content-type": "application/json", "x-csrf-token": me.csrfToken },
          body: JSON.stringify({
            businessHours: { timezone: "UTC", days: [{ day, open: "10:00", close: "11:00" }] },
          }),
        });
        return res.status;
      },
      { key, day: (today + 3) % 7 },
    );
    expect(status).toBe(200);
    const context = await browser.newContext({ locale: "ar-SA", viewport: { width: 1000, height: 760 } });
    const visitor = await context.newPage();
    try {
      await visitor.goto(`${hostUrl}/?lang=ar`);
      await visitor.locator("#khidma-widget button.l").click();
      const panel = visitor.locator("#khidma-widget [role=dialog]");
      await panel.locator("textarea[name=body]").waitFor();
      await panel.locator("input[name=name]").fill("خالد");
      await panel.locator("input[name=email]").fill("khaled@example.test");
      await panel.locator("textarea[name=body]").fill("أريد استبدال المقاس، اتصلوا بي غدًا.");
      await shot(visitor, "ar-06-offline-form");
      await panel.locator("button[type=submit]").click();
      await panel.locator("[role=status]").waitFor();
      await shot(visitor, "ar-07-offline-sent");
    } finally {
      await context.close();
    }
  });
});
