import { afterEach, describe, expect, it } from "vitest";
import { createHub, hubReady, type RealtimeHub, type RealtimeMessage } from "./realtime";

const redisUrl = process.env.TEST_REDIS_URL || null;
if (!redisUrl) {
  console.warn("realtime.test: TEST_REDIS_URL is not set; the Redis hub tests are skipped");
}

/** Resolves with the next `count` messages a listener receives on a room. */
function collect(hub: RealtimeHub, room: string, count: number): Promise<RealtimeMessage[]> {
  return new Promise((resolve) => {
    const got: RealtimeMessage[] = [];
    const off = hub.subscribe(room, (m) => {
      got.push(m);
      if (got.length === count) {
        off();
        resolve(got);
      }
    });
  });
}

const msg = (n: number): RealtimeMessage => ({ type: "test", accountId: 1, data: { n } });
// Rooms of this run only: other suites may publish to the same Redis at the same time.
const run = `${process.pid}${Date.now().toString(36)}`;
const room = (name: string) => `${name}:${run}`;

const hubs: RealtimeHub[] = [];
afterEach(async () => {
  await Promise.all(hubs.splice(0).map((h) => h.close()));
});

async function open(url: string | null): Promise<RealtimeHub> {
  const hub = await createHub({ redisUrl: url });
  hubs.push(hub);
  return hub;
}

describe.each([
  ["in-process", null as string | null, false],
  ["redis", redisUrl, !redisUrl],
])("realtime hub (%s)", (_name, url, skip) => {
  it.skipIf(skip)("delivers to every listener of a room, in order, and not to other rooms", async () => {
    const hub = await open(url);
    const a = collect(hub, room("account:1"), 3);
    const b = collect(hub, room("account:1"), 3);
    let other = 0;
    const off = hub.subscribe(room("account:2"), () => other++);
    await hubReady(hub);
    for (const n of [1, 2, 3]) await hub.publish(room("account:1"), msg(n));
    const [got1, got2] = await Promise.all([a, b]);
    expect(got1.map((m) => (m.data as { n: number }).n)).toEqual([1, 2, 3]);
    expect(got2).toEqual(got1);
    // A message on the other room after them arrives after them, so the count is final.
    const last = collect(hub, room("account:2"), 1);
    await hubReady(hub);
    await hub.publish(room("account:2"), msg(9));
    await last;
    expect(other).toBe(1);
    off();
  });

  it.skipIf(skip)("stops delivering after unsubscribe, and a throwing listener harms no other", async () => {
    const hub = await open(url);
    const seen: number[] = [];
    const off = hub.subscribe(room("user:1:1"), (m) => seen.push((m.data as { n: number }).n));
    hub.subscribe(room("user:1:1"), () => {
      throw new Error("listener bug");
    });
    const first = collect(hub, room("user:1:1"), 1);
    const until = collect(hub, room("user:1:1"), 2);
    await hubReady(hub);
    await hub.publish(room("user:1:1"), msg(1));
    // Delivery is asynchronous (through Redis): unsubscribe once 1 has arrived.
    await first;
    off();
    off(); // idempotent
    await hub.publish(room("user:1:1"), msg(2));
    await until;
    expect(seen).toEqual([1]);
  });
});

describe.skipIf(!redisUrl)("realtime hub across nodes (redis)", () => {
  it("a message published on one node reaches the listeners of another", async () => {
    const nodeA = await open(redisUrl);
    const nodeB = await open(redisUrl);
    const room = `conversation:${process.pid}:${Date.now()}`;
    const onB = collect(nodeB, room, 2);
    const onA = collect(nodeA, room, 2);
    await Promise.all([hubReady(nodeA), hubReady(nodeB)]);
    await nodeA.publish(room, msg(1));
    await nodeB.publish(room, msg(2));
    const [b, a] = await Promise.all([onB, onA]);
    expect(b.map((m) => (m.data as { n: number }).n)).toEqual([1, 2]);
    expect(a.map((m) => (m.data as { n: number }).n)).toEqual([1, 2]);
  });

  it("refuses to start on an unreachable Redis instead of hanging", async () => {
    // Port 1 on loopback: nothing listens there.
    await expect(createHub({ redisUrl: "redis://127.0.0.1:1" })).rejects.toThrow();
  });
});
