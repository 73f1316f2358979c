import { describe, expect, it } from "vitest";
import { sniffContentType } from "./sniff";
import { FileTooLargeError, putFile, readFile } from "./storage";

const config = { dataDir: ":memory:", attachmentLimit: 1024 };
const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");

describe("attachment storage", () => {
  it("refuses a file over the limit", async () => {
    await expect(putFile(config, Buffer.alloc(1025))).rejects.toBeInstanceOf(FileTooLargeError);
  });

  it("stores by content, once, and reads back", async () => {
    const a = await putFile(config, Buffer.from("hello world"), { declaredType: "text/plain" });
    const b = await putFile(config, Buffer.from("hello world"));
    expect(a.storageKey).toBe(b.storageKey);
    expect(a.storageKey).toMatch(/^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/);
    expect(a.size).toBe(11);
    expect((await readFile(config, a.storageKey)).toString()).toBe("hello world");
    await expect(readFile(config, "../../etc/passwd")).rejects.toThrow();
  });

  it("sniffs the type from the bytes, not the claim", () => {
    expect(sniffContentType(PNG, "application/pdf")).toBe("image/png");
    expect(sniffContentType(Buffer.from("<html><script>x</script>"), "image/png")).toBe("text/html");
    expect(sniffContentType(Buffer.from("<svg onload=alert(1)>"), "image/png")).toBe("image/svg+xml");
    expect(sniffContentType(Buffer.from([0, 1, 2, 3, 250]), "image/jpeg")).toBe("application/octet-stream");
    expect(sniffContentType(Buffer.from("%PDF-1.7\n"), "application/octet-stream")).toBe("application/pdf");
    expect(sniffContentType(Buffer.from("504b0304", "hex"), null, "report.docx")).toContain(
      "wordprocessingml",
    );
    expect(sniffContentType(Buffer.from("مرحبا"), "text/plain; charset=utf-8")).toBe("text/plain");
  });
});
