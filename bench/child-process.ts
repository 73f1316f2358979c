import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";

/** A server the benchmark started, with the means to stop it. */
export interface Child {
  pid: number;
  proc: ChildProcess;
  /** The last lines it wrote, for error reports. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts a process and keeps the tail of its output. */
export function startChild(
  command: string,
  args: string[],
  env: Record<string, string>,
  cwd?: string,
): Child {
  const proc = spawn(command, args, {
    env: { ...process.env, ...env },
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let tail = "";
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
  };
  proc.stdout?.on("data", keep);
  proc.stderr?.on("data", keep);
  if (proc.pid === undefined) throw new Error(`could not start ${command}`);
  return {
    pid: proc.pid,
    proc,
    output: () => tail,
    stop: () =>
      new Promise((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        const timer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
        proc.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        proc.kill("SIGTERM");
      }),
  };
}

/** Waits until GET url answers 200, or fails after timeoutMs or when the child exits. */
export async function waitForHttp(child: Child, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.proc.exitCode !== null) throw new Error(`server exited early:\n${child.output()}`);
    const ok = await new Promise<boolean>((resolve) => {
      http
        .get(url, (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        })
        .on("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server did not answer ${url} in time:\n${child.output()}`);
}

/** Resident memory of a process in MB, from /proc (Linux). */
export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  if (!match?.[1]) throw new Error("VmRSS not found");
  return Number(match[1]) / 1024;
}

/** A free TCP port below 32768, so it never collides with the ephemeral range. */
export async function freePort(start: number): Promise<number> {
  for (let port = start; port < 32768; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const srv = http.createServer();
      srv.once("error", () => resolve(false));
      srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error("no free port");
}

/** A process's times from /proc/<pid>/stat in ms (Linux, 100 ticks/s): its own, and its reaped children's. */
function procTimes(pid: number | string): { own: number; children: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which is in parentheses and may hold spaces:
  // utime, stime, cutime, cstime are the 12th to 15th of them.
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { own: (Number(f[11]) + Number(f[12])) * 10, children: (Number(f[13]) + Number(f[14])) * 10 };
}

/** CPU time (user + system) a process has used so far, in ms. */
export function cpuMs(pid: number): number {
  return procTimes(pid).own;
}

/**
 * CPU time (user + system) PostgreSQL has used so far on this machine, in ms:
 * every live postgres process, plus the children the postmaster has reaped
 * (backends and autovacuum workers that ended keep counting). Zero when the
 * server runs elsewhere.
 */
export function databaseCpuMs(): number {
  let total = 0;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, "utf8").trim() !== "postgres") continue;
      const t = procTimes(entry);
      total += t.own + t.children;
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}
