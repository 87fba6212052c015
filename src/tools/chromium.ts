// chromium from Debian, for the report's browser test (test/e2e/report.browser.test.ts drives it
// with playwright-core). Optional: no run needs it. Never a downloaded browser build and never
// `npx playwright install`: the machine's own package, like mosquitto (about 155 MB with its
// libraries on a bare Debian 12, so the first setup takes a minute longer).
import { aptComponent } from "./aptPackage.ts";

/** `chromium --version` prints "Chromium 156.0.8078.114 built on Debian GNU/Linux 12 (bookworm)". */
export function parseChromiumVersion(out: string): string | undefined {
  return /^Chromium (\d+(?:\.\d+)+)/m.exec(out)?.[1];
}

/**
 * How the lab starts it (playwright-core's launch args, with `executablePath` set to the found
 * binary): headless, no sandbox (containers and root), and none of its background network traffic.
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export const chromium = aptComponent({
  name: "chromium",
  pkg: "chromium",
  wanted: "156",
  optional: true,
  paths: ["/usr/bin/chromium"],
  versionArgs: ["--version"],
  parseVersion: parseChromiumVersion,
});

export const find = chromium.find;
export const install = chromium.install;
