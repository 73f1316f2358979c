import type {
  VisitorAttachment,
  VisitorMessage,
  VisitorSession,
  WidgetPublicConfig,
} from "@khidma/contracts";

/** A failed call with the server's translated message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The REST calls of the widget, against the server that served widget.js. */
export class WidgetApi {
  constructor(
    readonly base: string,
    readonly key: string,
    readonly lang: string,
  ) {}

  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const res = await fetch(`${this.base}/api/v1/widget/${path}`, {
      method,
      headers: {
        "accept-language": this.lang,
        ...(body instanceof Blob ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : body instanceof Blob ? body : JSON.stringify(body),
    });
    const data = (await res.json().catch(() => null)) as { error?: { message: string } } | null;
    if (!res.ok) throw new ApiError(res.status, data?.error?.message ?? res.statusText);
    return data as T;
  }

  config(): Promise<WidgetPublicConfig> {
    return this.call("GET", `config?key=${encodeURIComponent(this.key)}`);
  }
  session(token: string | null): Promise<VisitorSession> {
    return this.call("POST", "session", token ? { key: this.key, token } : { key: this.key });
  }
  identify(
    token: string,
    identity: { userId: string; hmac: string; name?: string; email?: string },
  ): Promise<VisitorSession> {
    return this.call("POST", "identify", { key: this.key, token, ...identity });
  }
  prechat(token: string, fields: Record<string, string>): Promise<VisitorSession> {
    return this.call("POST", "prechat", { key: this.key, token, ...fields });
  }
  offline(
    token: string,
    input: { name: string; email: string; body: string; clientId: string },
  ): Promise<VisitorMessage> {
    return this.call("POST", "offline", { key: this.key, token, ...input });
  }
  upload(token: string, file: File): Promise<VisitorAttachment> {
    const q = `attachments?key=${encodeURIComponent(this.key)}&filename=${encodeURIComponent(file.name)}`;
    return this.call("POST", q, new Blob([file], { type: "application/octet-stream" }), {
      "x-visitor-token": token,
    });
  }
  fileUrl(token: string, id: number): string {
    return `${this.base}/api/v1/widget/attachments/${id}?key=${encodeURIComponent(this.key)}&token=${encodeURIComponent(token)}`;
  }
  socketUrl(token: string): string {
    const url = new URL(`${this.base}/api/v1/widget/ws`);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.search = `key=${encodeURIComponent(this.key)}&token=${encodeURIComponent(token)}`;
    return url.toString();
  }
}
