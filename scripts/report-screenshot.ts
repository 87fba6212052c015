/**
 * docs/report.png, the README's picture of report.html: invocations merged into one report, and
 * that report opened in Debian's chromium (playwright-core, as test/e2e/report.browser.test.ts
 * does), cut from the top of the page to the first lines of evidence of the first failing run.
 *
 *   node bin/faraday.mjs run broker-crash --client-path test/fixtures/clients/lossy --protocol all --seed 7 --out reports/shot
 *   node bin/faraday.mjs run broker-crash --device node --protocol all --seed 7 --out reports/shot
 *   npx tsx scripts/report-screenshot.ts reports/shot/<first> reports/shot/<second> [--png docs/report.png]
 *
 * Name the invocations relatively (the merged report's header shows them). The picture is kept
 * small (a 1100 px wide page, at most 1500 px tall) so the repository stays light.
 */
import { rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { chromium as playwright } from "playwright-core";
import { mergeCommand } from "../src/gate/commands.ts";
import { CHROMIUM_FLAGS, chromium } from "../src/tools/chromium.ts";

// What the callback run inside the page uses (this project's tsconfig has no DOM library).
declare const window: { scrollY: number };

const { values, positionals } = parseArgs({ options: { png: { type: "string", default: "docs/report.png" }, out: { type: "string", default: "reports/shot/merged" } }, allowPositionals: true });
if (positionals.length === 0) throw new Error("name the invocation folders to merge (see the top of scripts/report-screenshot.ts)");

rmSync(values.out!, { recursive: true, force: true });
const merged = mergeCommand(positionals, values.out!);
for (const l of merged.lines) console.log(l);

const found = await chromium.find();
if (!found.ok) throw new Error(`chromium: ${found.why}; fix: ${found.fix}`);
const browser = await playwright.launch({ executablePath: found.where, headless: true, args: [...CHROMIUM_FLAGS] });
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, deviceScaleFactor: 1 });
  await page.goto(pathToFileURL(resolve(values.out!, "report.html")).href);
  await page.waitForSelector("html[data-filters=ready]");
  // Down to the third line of evidence of the first failing run's first failing check, or 1500 px.
  const end = await page.locator("section.run.v-fail details.check.v-fail ul.ev li").nth(2).evaluate((e) => e.getBoundingClientRect().bottom + window.scrollY);
  await page.screenshot({ path: values.png!, clip: { x: 0, y: 0, width: 1100, height: Math.min(Math.ceil(end) + 4, 1500) }, fullPage: true });
} finally {
  await browser.close();
}
console.log(`report-screenshot: ${values.png} (${Math.round(statSync(values.png!).size / 1024)} KB) from ${join(values.out!, "report.html")}`);
