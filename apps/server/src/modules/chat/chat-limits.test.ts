import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createRateLimiter } from "./chat-limits";

const redisUrl = process.env.TEST_REDIS_URL;
if (!redisUrl) process.stdout.write("TEST_REDIS_URL is not set: skipping the shared rate-limit test.\n");

describe("chat rate limits", () => {
  it("counts in fixed windows in memory and tells when to come back", async () => {
    const limiter = await createRateLimiter(null);
    const key = `k-${randomUUID()}`;
    for (let i = 0; i < 3; i++) expect((await limiter.hit(key, 3, 60_000)).allowed).toBe(true);
    const over = await limiter.hit(key, 3, 60_000);
    expect(over.allowed).toBe(false);
    expect(over.retryAfterMs).toBeGreaterThan(0);
    expect((await limiter.hit(`${key}-other`, 3, 60_000)).allowed).toBe(true);
    const scaled = await createRateLimiter(null, 10);
    for (let i = 0; i < 30; i++) expect((await scaled.hit(key, 3, 60_000)).allowed).toBe(true);
    expect((await scaled.hit(key, 3, 60_000)).allowed).toBe(false);
    await limiter.close();
    await scaled.close();
  });

  it.skipIf(!redisUrl)("shares the counts of two nodes through Redis", async () => {
    const a = await createRateLimiter(redisUrl as string);
    const b = await createRateLimiter(redisUrl as string);
    try {
      const key = `k-${randomUUID()}`;
      expect((await a.hit(key, 4, 60_000)).allowed).toBe(true);
      expect((await b.hit(key, 4, 60_000)).allowed).toBe(true);
      expect((await a.hit(key, 4, 60_000)).allowed).toBe(true);
      expect((await b.hit(key, 4, 60_000)).allowed).toBe(true);
      const over = await a.hit(key, 4, 60_000);
      expect(over.allowed).toBe(false);
      expect(over.retryAfterMs).toBeGreaterThan(50_000);
      expect((await b.hit(key, 4, 60_000)).allowed).toBe(false);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
