import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/** A Dovecot IMAP server of a test: its port, a user and a way to stop it. */
export interface TestDovecot {
  port: number;
  user: string;
  password: string;
  stop(): Promise<void>;
}

function systemUser(name: string): [number, number] {
  const line = fs
    .readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${name}:`));
  const parts = line?.split(":") ?? [];
  if (!parts[2] || !parts[3]) throw new Error(`no system user ${name}`);
  return [Number(parts[2]), Number(parts[3])];
}

async function freePort(): Promise<number> {
  // Dovecot needs a fixed port in its config: pick one below 32768 that is free now.
  for (let i = 0; i < 50; i++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    const free = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once("error", () => resolve(false));
      s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error("no free port for dovecot");
}

async function waitForPort(port: number, child: ChildProcess, log: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null)
      throw new Error(`dovecot exited: ${fs.readFileSync(log, "utf8").slice(-2000)}`);
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1");
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("dovecot did not start listening");
}

/**
 * Starts Debian's Dovecot with a generated configuration: IMAP only, on a
 * loopback port, plain-text login allowed (loopback, test only), maildirs in
 * a temporary directory, one user from a passwd file.
 */
export async function startDovecot(): Promise<TestDovecot> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "khidma-dovecot-"));
  fs.chmodSync(dir, 0o755);
  const port = await freePort();
  const user = "support";
  const password = "imap-test-password";
  // Dovecot refuses to store mail as root: as root, mail belongs to the dovecot user.
  const root = (process.getuid?.() ?? 0) === 0;
  const [uid, gid] = root ? systemUser("dovecot") : [process.getuid?.() ?? 0, process.getgid?.() ?? 0];
  const runUser = root ? "dovecot" : os.userInfo().username;
  for (const sub of ["mail", "home"]) {
    fs.mkdirSync(path.join(dir, sub), { recursive: true });
    if (root) fs.chownSync(path.join(dir, sub), uid, gid);
  }
  fs.writeFileSync(
    path.join(dir, "passwd"),
    `${user}:{PLAIN}${password}:${uid}:${gid}::${dir}/home/${user}::\n`,
  );
  const log = path.join(dir, "dovecot.log");
  const conf = `
protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${log}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
mail_location = maildir:${dir}/mail/%u
first_valid_uid = 0
default_internal_user = ${runUser}
default_login_user = ${root ? "dovenull" : runUser}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${dir}/home/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
}
`;
  fs.writeFileSync(path.join(dir, "dovecot.conf"), conf);
  const child = spawn("dovecot", ["-F", "-c", path.join(dir, "dovecot.conf")], { stdio: "ignore" });
  await waitForPort(port, child, log);
  return {
    port,
    user,
    password,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
