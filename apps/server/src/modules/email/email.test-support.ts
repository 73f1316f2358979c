import type { Inbox } from "@khidma/contracts";
import nodemailer from "nodemailer";
import type Mail from "nodemailer/lib/mailer";
import { call, type TestApp, type TestUser, unique } from "../../test/harness";

const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "crlf" });

/** Builds a raw RFC 5322 message with nodemailer's composer. */
export async function composeMail(options: Mail.Options): Promise<Buffer> {
  const info = (await composer.sendMail(options)) as unknown as { message: Buffer };
  return info.message;
}

/** Creates an email inbox through the API and returns it. */
export async function createEmailInbox(t: TestApp, owner: TestUser, extra: object = {}): Promise<Inbox> {
  const res = await call<Inbox>(t.app, {
    method: "POST",
    url: "/api/v1/inboxes",
    headers: owner.headers,
    payload: { channel: "email", name: "Support", address: `${unique("help")}@example.test`, ...extra },
  });
  if (res.status !== 201) throw new Error(`inbox not created: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A minimal raw message, written by hand for headers a composer would not produce. */
export function rawMail(headers: Record<string, string>, body: string): Buffer {
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
  return Buffer.from(`${lines.join("\r\n")}\r\n\r\n${body.replace(/\r?\n/g, "\r\n")}\r\n`, "utf8");
}
