import type { APIRequestContext, Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPath, launchBrowser, screenshot } from "./support/browser";
import { type RunningServer, startServer } from "./support/server";

if (!chromiumPath) {
  process.stdout.write("CHROMIUM_PATH is not set: skipping the live updates suite in Chromium.\n");
}

const AGENT_NAME = "Basma Live";
const AGENT_EMAIL = "basma.live@khidma.test";
const AGENT_PASSWORD = "basma-live-password-1";

describe.skipIf(!chromiumPath)("two agents see each other live in Chromium", () => {
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

  /** Signs a browser context in through the API (the cookie lands in the context); returns its CSRF token. */
  async function signIn(request: APIRequestContext, email: string, password: string): Promise<string> {
    const res = await request.post(`${server.url}/api/v1/auth/login`, { data: { email, password } });
    expect(res.status()).toBe(200);
    return ((await res.json()) as { csrfToken: string }).csrfToken;
  }

  async function setLanguage(request: APIRequestContext, csrf: string, language: "ar" | "en") {
    const res = await request.patch(`${server.url}/api/v1/auth/me`, {
      data: { language },
      headers: { "x-csrf-token": csrf },
    });
    expect(res.status()).toBe(200);
  }

  /** The agent joins through an invitation the owner sends, once. */
  async function ensureAgent(owner: APIRequestContext, ownerCsrf: string, agent: APIRequestContext) {
    const login = await agent.post(`${server.url}/api/v1/auth/login`, {
      data: { email: AGENT_EMAIL, password: AGENT_PASSWORD },
    });
    if (login.status() === 200) return ((await login.json()) as { csrfToken: string }).csrfToken;
    const invite = await owner.post(`${server.url}/api/v1/invitations`, {
      data: { email: AGENT_EMAIL, role: "agent", name: AGENT_NAME },
      headers: { "x-csrf-token": ownerCsrf },
    });
    expect(invite.status()).toBe(201);
    const token = ((await invite.json()) as { url: string }).url.split("/").pop() ?? "";
    const accepted = await agent.post(`${server.url}/api/v1/invitations/accept`, {
      data: { token, name: AGENT_NAME, password: AGENT_PASSWORD },
    });
    expect(accepted.status()).toBe(201);
    return signIn(agent, AGENT_EMAIL, AGENT_PASSWORD);
  }

  async function newContext(lang: "ar" | "en"): Promise<BrowserContext> {
    return browser.newContext({
      locale: lang === "ar" ? "ar-SA" : "en-US",
      viewport: { width: 1366, height: 860 },
    });
  }

  for (const lang of ["ar", "en"] as const) {
    it(`shows the other agent's viewing, typing and reply without reload (${lang})`, async () => {
      const ownerContext = await newContext(lang);
      const agentContext = await newContext(lang);
      let pages: Page[] = [];
      try {
        const ownerCsrf = await signIn(ownerContext.request, server.adminEmail, server.adminPassword);
        const agentCsrf = await ensureAgent(ownerContext.request, ownerCsrf, agentContext.request);
        await setLanguage(ownerContext.request, ownerCsrf, lang);
        await setLanguage(agentContext.request, agentCsrf, lang);

        const owner = await ownerContext.newPage();
        const agent = await agentContext.newPage();
        pages = [owner, agent];

        // A new conversation appears in the owner's inbox without reload.
        await owner.goto(`${server.url}/inbox/all`);
        await owner.getByTestId("conversation-row").first().waitFor();
        await owner.getByTestId("presence-select").and(owner.locator('[data-status="online"]')).waitFor();
        const subject = lang === "ar" ? `طلب مباشر ${Date.now()}` : `Live request ${Date.now()}`;
        const created = await ownerContext.request.post(`${server.url}/api/v1/conversations`, {
          data: {
            subject,
            contact: { name: lang === "ar" ? "سارة" : "Sarah", email: `live-${lang}@example.test` },
            body: lang === "ar" ? "هل يمكن تغيير عنوان التوصيل؟" : "Can I change the delivery address?",
          },
          headers: { "x-csrf-token": ownerCsrf },
        });
        expect(created.status()).toBe(201);
        const conversation = (await created.json()) as { id: number };
        await owner.getByTestId("conversation-row").filter({ hasText: subject }).waitFor();
        await shot(owner, `${lang}-live-01-new-conversation-in-inbox`);

        // Both open it; the owner sees the agent viewing, then typing.
        await owner.getByTestId("conversation-row").filter({ hasText: subject }).click();
        await owner.getByTestId("timeline").waitFor();
        await agent.goto(`${server.url}/conversations/${conversation.id}`);
        await agent.getByTestId("timeline").waitFor();
        const banner = owner.getByTestId("collision-banner");
        await banner.filter({ hasText: AGENT_NAME }).waitFor();
        await agent.getByTestId("collision-banner").waitFor();

        const reply =
          lang === "ar"
            ? "نعم، أرسلي العنوان الجديد وسنحدّثه."
            : "Yes, send the new address and we will update it.";
        await agent.getByTestId("composer-textarea").click();
        await agent.getByTestId("composer-textarea").pressSequentially(reply.slice(0, 12));
        await owner.getByTestId("typing-indicator").filter({ hasText: AGENT_NAME }).waitFor();
        await shot(owner, `${lang}-live-02-collision-typing`);

        // The agent's reply reaches the owner's timeline without reload.
        await agent.getByTestId("composer-textarea").fill(reply);
        await agent.getByTestId("composer-send").click();
        await owner.getByTestId("message-item").filter({ hasText: reply }).waitFor();
        await owner.getByTestId("typing-indicator").waitFor({ state: "detached" });
        await shot(owner, `${lang}-live-03-reply-arrived`);
        await shot(agent, `${lang}-live-04-agent-view`);

        // The agent steps away: the owner sees it on the agent's presence dot once assigned.
        await owner.goto(`${server.url}/inbox/all`);
        // The owner's new page must be listening before the agent's presence changes.
        await owner.getByTestId("presence-select").and(owner.locator('[data-status="online"]')).waitFor();
        await owner.getByTestId("conversation-row").filter({ hasText: subject }).waitFor();
        await agent.getByTestId("presence-select").click();
        await agent.getByTestId("presence-option-away").click();
        await agent.getByTestId("presence-select").and(agent.locator('[data-status="away"]')).waitFor();
        const assigned = await ownerContext.request.post(
          `${server.url}/api/v1/conversations/${conversation.id}/assign`,
          {
            data: {
              assigneeId: (await (await agentContext.request.get(`${server.url}/api/v1/auth/me`)).json()).user
                .id,
            },
            headers: { "x-csrf-token": ownerCsrf },
          },
        );
        expect(assigned.status()).toBe(200);
        const row = owner.getByTestId("conversation-row").filter({ hasText: subject });
        await row.locator('[data-testid="presence-dot"][data-status="away"]').waitFor();
        await shot(owner, `${lang}-live-05-assignee-away`);
        await agent.getByTestId("presence-select").click();
        await agent.getByTestId("presence-option-online").click();
        await row.locator('[data-testid="presence-dot"][data-status="online"]').waitFor();
        await row.click();
        await owner.getByTestId("presence-mark").and(owner.locator('[data-status="online"]')).waitFor();
        expect(await owner.evaluate(() => document.documentElement.dir)).toBe(lang === "ar" ? "rtl" : "ltr");

        // Automatic assignment: the owner turns it on; a new conversation goes to an online agent.
        await owner.goto(`${server.url}/admin/routing`);
        await owner.getByTestId("routing-row").filter({ hasText: AGENT_NAME }).waitFor();
        const toggle = owner.getByTestId("routing-auto-assign");
        await toggle.click();
        await expect.poll(() => toggle.isChecked()).toBe(true);
        await owner
          .getByTestId("routing-row")
          .filter({ hasText: AGENT_NAME })
          .locator('[data-status="online"]')
          .waitFor();
        await shot(owner, `${lang}-live-06-routing`);
        const routed = await ownerContext.request.post(`${server.url}/api/v1/conversations`, {
          data: {
            subject: `${subject} 2`,
            contact: { name: "Omar", email: `routed-${lang}@example.test` },
            body: lang === "ar" ? "مرحبًا" : "Hello",
          },
          headers: { "x-csrf-token": ownerCsrf },
        });
        expect(((await routed.json()) as { assigneeId: number | null }).assigneeId).not.toBeNull();
        const off = await ownerContext.request.patch(`${server.url}/api/v1/routing/settings`, {
          data: { autoAssign: false },
          headers: { "x-csrf-token": ownerCsrf },
        });
        expect(off.status()).toBe(200);
      } catch (error) {
        // What each agent saw when it failed, for the report.
        for (const [i, page] of pages.entries())
          await shot(page, `${lang}-live-failed-${i ? "agent" : "owner"}`);
        throw error;
      } finally {
        await ownerContext.close();
        await agentContext.close();
      }
    });
  }
});
