import { build } from "esbuild";

// One self-contained script for <script src=".../widget.js" async>: Preact and
// the widget in an IIFE, minified for the smallest download.
const watch = process.argv.includes("--watch");
const options = {
  entryPoints: [new URL("./src/main.tsx", import.meta.url).pathname],
  bundle: true,
  format: "iife",
  target: "es2020",
  outfile: new URL("./dist/widget.js", import.meta.url).pathname,
  minify: true,
  jsx: "automatic",
  jsxImportSource: "preact",
  legalComments: "none",
  logLevel: "warning",
};
if (watch) {
  const { context } = await import("esbuild");
  await (await context(options)).watch();
} else {
  await build(options);
}
