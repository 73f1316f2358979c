import WebSocket from "ws";

/** A frame the agent socket sends. */
export interface Frame {
  type: string;
  data?: unknown;
  error?: { code: string; message: string };
}

/** A test client of a live socket: collects frames and waits for the ones a test expects. */
export interface SocketClient {
  ws: WebSocket;
  frames: Frame[];
  /** Resolves with the first frame (already received or coming) that matches. */
  next(match: (f: Frame) => boolean, label?: string): Promise<Frame>;
  send(value: unknown): void;
  /** Resolves with the close code once the socket is closed. */
  closed: Promise<number>;
  close(): Promise<void>;
}

/** Opens a WebSocket and resolves once it is open (or closed right away: see `closed`). */
export async function openSocket(
  url: string,
  opts: { headers?: Record<string, string>; autoPong?: boolean } = {},
): Promise<SocketClient> {
  const ws = new WebSocket(url, { headers: opts.headers ?? {}, autoPong: opts.autoPong ?? true });
  const frames: Frame[] = [];
  const waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void; from: number }[] = [];
  ws.on("message", (raw) => {
    const frame = JSON.parse(String(raw)) as Frame;
    frames.push(frame);
    for (const w of [...waiters]) {
      if (w.match(frame)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(frame);
      }
    }
  });
  const closed = new Promise<number>((resolve) => ws.on("close", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("close", () => resolve());
    ws.once("unexpected-response", (_req, res) => reject(new Error(`handshake answered ${res.statusCode}`)));
    ws.once("error", reject);
  });
  let seen = 0;
  return {
    ws,
    frames,
    closed,
    next(match) {
      // Frames are consumed in order: a later wait does not match an earlier frame again.
      for (let i = seen; i < frames.length; i++) {
        const f = frames[i] as Frame;
        if (match(f)) {
          seen = i + 1;
          return Promise.resolve(f);
        }
      }
      return new Promise((resolve) => {
        waiters.push({
          match,
          from: seen,
          resolve: (f) => {
            seen = frames.indexOf(f) + 1;
            resolve(f);
          },
        });
      });
    },
    send(value) {
      ws.send(typeof value === "string" ? value : JSON.stringify(value));
    },
    async close() {
      if (ws.readyState === WebSocket.CLOSED) return;
      ws.close();
      await closed;
    },
  };
}

/** The ws:// address of an app listening on 127.0.0.1. */
export function wsUrl(port: number, path = "/api/v1/ws"): string {
  return `ws://127.0.0.1:${port}${path}`;
}
