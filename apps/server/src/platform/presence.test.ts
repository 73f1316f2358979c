import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { CONNECTION_TTL_MS, createPresenceStore, TYPING_TTL_MS } from "./presence";

const redisUrl = process.env.TEST_REDIS_URL || null;
if (!redisUrl) console.warn("presence.test: TEST_REDIS_URL is not set; the Redis presence tests are skipped");

const clients: Redis[] = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => c.quit()));
});

describe.each([
  ["memory", false],
  ["redis", true],
])("presence store (%s)", (_name, useRedis) => {
  const skip = useRedis && !redisUrl;
  function store() {
    let now = Date.parse("2026-05-01T10:00:00Z");
    let redis: Redis | null = null;
    if (useRedis && redisUrl) {
      redis = new Redis(redisUrl);
      clients.push(redis);
    }
    const s = createPresenceStore({ redis, now: () => now });
    return { s, advance: (ms: number) => (now += ms) };
  }
  // Account ids of their own per run, as the Redis keys outlive a test.
  const account = () => Math.floor(Math.random() * 1e9) + 1e6;

  it.skipIf(skip)(
    "is online with a live connection, away by choice, offline after the last one",
    async () => {
      const { s } = store();
      const acc = account();
      expect(await s.statusOf(acc, 1)).toBe("offline");
      await s.connect(acc, 1, "tab1");
      await s.connect(acc, 1, "tab2");
      expect(await s.statusOf(acc, 1)).toBe("online");
      await s.choose(acc, 1, "away");
      expect(await s.statusOf(acc, 1)).toBe("away");
      await s.disconnect(acc, 1, "tab1");
      expect(await s.statusOf(acc, 1)).toBe("away");
      await s.disconnect(acc, 1, "tab2");
      expect(await s.statusOf(acc, 1)).toBe("offline");
    },
  );

  it.skipIf(skip)("forgets the connections of a node that stopped refreshing them", async () => {
    const { s, advance } = store();
    const acc = account();
    await s.connect(acc, 7, "dead-node");
    await s.view(acc, 9, 7, "dead-node", false);
    advance(CONNECTION_TTL_MS - 1);
    expect(await s.statusOf(acc, 7)).toBe("online");
    advance(2);
    expect(await s.statusOf(acc, 7)).toBe("offline");
    expect(await s.viewers(acc, 9)).toEqual([]);
  });

  it.skipIf(skip)(
    "lists viewers once per agent, typing while any of their tabs types, until it lapses",
    async () => {
      const { s, advance } = store();
      const acc = account();
      await s.view(acc, 5, 2, "a", false);
      await s.view(acc, 5, 1, "b", false);
      await s.view(acc, 5, 1, "c", true);
      expect(await s.viewers(acc, 5)).toEqual([
        { userId: 1, typing: true },
        { userId: 2, typing: false },
      ]);
      advance(TYPING_TTL_MS + 1);
      expect(await s.viewers(acc, 5)).toEqual([
        { userId: 1, typing: false },
        { userId: 2, typing: false },
      ]);
      await s.leave(acc, 5, 1, "b");
      await s.leave(acc, 5, 1, "c");
      expect(await s.viewers(acc, 5)).toEqual([{ userId: 2, typing: false }]);
    },
  );
});
