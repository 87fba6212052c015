import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../tools/paths.ts";

/** faraday's version and, in a git checkout, its revision: "0.1.0+3721b4a". */
export function version(): string {
  const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string };
  let rev = "";
  try {
    rev = execFileSync("git", ["-C", repoRoot, "rev-parse", "--short", "HEAD"], { stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
  } catch {
    /* not a git checkout */
  }
  return rev ? `${pkg.version}+${rev}` : pkg.version;
}
