import os from "node:os";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./config";

describe("configuration from the environment", () => {
  it("sizes the database pool from the CPUs unless DATABASE_POOL_SIZE says otherwise", () => {
    expect(loadConfig({}).databasePoolSize).toBe(2 * os.availableParallelism() + 1);
    expect(loadConfig({ DATABASE_POOL_SIZE: "20" }).databasePoolSize).toBe(20);
    for (const bad of ["0", "-3", "2.5", "many"]) {
      expect(() => loadConfig({ DATABASE_POOL_SIZE: bad })).toThrow(
        `DATABASE_POOL_SIZE must be a positive whole number (got "${bad}")`,
      );
    }
  });

  it("takes the SMTP receiver's key and certificate together or not at all", () => {
    expect(loadConfig({}).smtpTls).toBeNull();
    expect(
      loadConfig({ SMTP_TLS_KEY: "/etc/mx/key.pem", SMTP_TLS_CERT: "/etc/mx/cert.pem" }).smtpTls,
    ).toEqual({
      keyFile: "/etc/mx/key.pem",
      certFile: "/etc/mx/cert.pem",
    });
    expect(() => loadConfig({ SMTP_TLS_KEY: "/etc/mx/key.pem" })).toThrow(/must be set together/);
    expect(() => loadConfig({ SMTP_TLS_CERT: "/etc/mx/cert.pem" })).toThrow(/must be set together/);
  });
});
