// The whole test run behind `npm test`: lint, type-check, the unit and API
// suites on embedded PGlite, the same API suites again on PostgreSQL when
// TEST_DATABASE_URL is set, then the web build and the browser suite (which
// skips unless CHROMIUM_PATH is set). Ends with one summary line.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const out = mkdtempSync(path.join(tmpdir(), "khidma-test-"));
const totals = { passed: 0, failed: 0, skipped: 0 };
let failed = false;

function run(title, cmd, args, env = {}) {
  process.stdout.write(`\n▶ ${title}\n`);
  const res = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, ...env } });
  if (res.status !== 0) failed = true;
  return res.status === 0;
}

function vitest(title, args, env, name) {
  const file = path.join(out, `${name}.json`);
  run(
    title,
    "npx",
    ["vitest", "run", ...args, "--reporter=default", "--reporter=json", `--outputFile.json=${file}`],
    env,
  );
  try {
    const report = JSON.parse(readFileSync(file, "utf8"));
    totals.passed += report.numPassedTests;
    totals.failed += report.numFailedTests;
    totals.skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  } catch {
    failed = true;
  }
}

const pgUrl = process.env.TEST_DATABASE_URL;
run("lint (biome)", "npx", ["biome", "check", "."]);
run("type-check (tsc)", "npx", ["tsc", "--noEmit", "-p", "tsconfig.json"]);
vitest("unit and API tests on PGlite", [], { TEST_DATABASE_URL: "" }, "pglite");
if (pgUrl) {
  vitest("API tests on PostgreSQL", ["apps/server"], { TEST_DATABASE_URL: pgUrl }, "postgres");
} else {
  process.stdout.write("\nTEST_DATABASE_URL is not set: the API suites ran on PGlite only.\n");
}
if (run("build the web app", "npm", ["run", "build", "-w", "apps/web"])) {
  vitest("end-to-end tests in Chromium", ["--config", "e2e/vitest.config.ts"], {}, "e2e");
}
rmSync(out, { recursive: true, force: true });

process.stdout.write(
  `\nTests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`,
);
process.exit(failed || totals.failed > 0 ? 1 : 0);
