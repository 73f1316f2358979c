import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../app";
import { createTestApp, type TestApp, testDatabase } from "../test/harness";
import { createLogger, redactTokens } from "./logging";

describe(`request logs (${testDatabase})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it("redacts the secret part of tokens in text", () => {
    expect(redactTokens("/invite/ki_12_AbCdEfGhIjKlMnOpQrStUv-_09")).toBe("/invite/ki_12_[redacted]");
    expect(redactTokens("kh_1_abcdefghijkl and ks_2_abcdefghijkl")).toBe(
      "kh_1_[redacted] and ks_2_[redacted]",
    );
    expect(redactTokens("/api/v1/conversations/12?tag=kh")).toBe("/api/v1/conversations/12?tag=kh");
  });

  it("never writes an invitation token from a URL to the log", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const app = await buildApp(t.ctx, { logger: createLogger("info", sink) });
    const token = "ki_1_SecretPartOfTheInvitationToken0123456789";
    const res = await app.inject({ method: "GET", url: `/api/v1/invitations/lookup/${token}` });
    expect(res.statusCode).toBe(410);
    await app.close();
    const log = lines.join("");
    expect(log).toContain("/api/v1/invitations/lookup/ki_1_[redacted]");
    expect(log).not.toContain("SecretPartOfTheInvitationToken");
  });
});
