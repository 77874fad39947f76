// node scripts/build-if-stale.mjs: `next build`, unless the last build is newer than every source file.
// Used by the browser test and by examples/demo, so that both run the production server without rebuilding
// an unchanged app.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const APP_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SOURCES = ["app", "components", "lib", "instrumentation.ts", "next.config.ts", "package-lock.json", "tsconfig.json"];

export function nextBin() {
  return path.join(APP_DIR, "node_modules", "next", "dist", "bin", "next");
}

/** True when it built. */
export function buildIfStale() {
  const buildId = path.join(APP_DIR, ".next", "BUILD_ID");
  const built = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
  if (SOURCES.every((source) => newest(path.join(APP_DIR, source)) < built)) return false;
  const result = spawnSync(process.execPath, [nextBin(), "build"], {
    cwd: APP_DIR, stdio: "inherit", timeout: 5 * 60_000, env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) throw new Error(`next build failed (${result.error?.message ?? `exit ${result.status}`})`);
  return true;
}

function newest(file) {
  if (!fs.existsSync(file)) return 0;
  const stat = fs.statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...fs.readdirSync(file).map((entry) => newest(path.join(file, entry))));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(buildIfStale() ? "built" : "the build is up to date");
}
