import { existsSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium as playwright, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_FLAGS, chromium } from "../../src/tools/chromium.ts";
import { isRoot, which } from "../../src/tools/exec.ts";
import { faraday, privateTmp, repo } from "./lab.ts";

/**
 * report.html in a real browser: Debian's chromium (installed by `faraday setup`, like mosquitto;
 * never a downloaded browser build) driven by playwright-core, on a report made by a real run —
 * a deliberately lossy MicroPython client that fails broker-crash, is unsupported in MQTT 5 and
 * passes a compliance scenario. Opened from file://, as a maintainer opens an attached report.
 * Skips, saying why, only where chromium is missing and cannot be installed (not root, or no apt).
 */

/** Where chromium is, installing it as setup would when this machine can; else why not. */
async function findChromium(): Promise<{ path: string } | { skip: string }> {
  const found = await chromium.find();
  if (found.ok) return { path: found.where };
  const apt = which("apt-get") !== undefined;
  if (!apt || !isRoot()) {
    return { skip: `chromium is not installed and cannot be installed here (${apt ? "not root" : "no apt-get"}): ${found.why}; fix: ${found.fix}` };
  }
  // Root with apt: what `faraday setup` would do (npm test runs setup first, so this is rare).
  const installed = await chromium.install((line) => console.log(`[chromium] ${line}`));
  return { path: installed.where };
}

// What the callbacks run inside the page use (this project's tsconfig has no DOM library).
declare const window: { scrollTo(x: number, y: number): void };
declare const document: {
  getElementById(id: string): { getBoundingClientRect(): { top: number; bottom: number }; querySelector(s: string): { getBoundingClientRect(): { top: number; bottom: number }; textContent: string | null } | null } | null;
  querySelector(s: string): { textContent: string | null } | null;
  querySelectorAll(s: string): { length: number };
};
declare const location: { hash: string };
declare const innerHeight: number;
declare function getComputedStyle(e: unknown): { display: string };

const FAILING = "run-broker-crash.lossy.v3.1.1.mosquitto";
const PASSING = "run-v3-connect-accepted.lossy.v3.1.1.mosquitto";
const UNSUPPORTED = "run-broker-crash.lossy.v5.mosquitto";

describe("report.html in chromium", () => {
  let skip: string | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let reportFile = "";
  const problems: string[] = [];

  beforeAll(async () => {
    const where = await findChromium();
    if ("skip" in where) {
      skip = where.skip;
      console.warn(`report.browser.test: SKIPPED — ${skip}`);
      return;
    }
    const tmp = privateTmp();
    const out = join(tmp, "reports");
    const r = faraday(["run", "broker-crash", "v3-connect-accepted", "--client-path", join(repo, "test", "fixtures", "clients", "lossy"), "--protocol", "all", "--out", out], { tmp });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    reportFile = join(realpathSync(join(out, "latest")), "report.html");
    expect(existsSync(reportFile)).toBe(true);

    browser = await playwright.launch({ executablePath: where.path, headless: true, args: [...CHROMIUM_FLAGS] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // A script error, or a CSP violation (reported as a console error), fails the test below.
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
    });
    await page.goto(pathToFileURL(reportFile).href);
    await page.waitForSelector("html[data-filters=ready]");
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
  });

  it("shows the matrix: one cell per run, each verdict", async (ctx) => {
    if (skip) ctx.skip(skip);
    await expect(page.locator("table.matrix").isVisible()).resolves.toBe(true);
    const cells = await page.locator("table.matrix a.cell").evaluateAll((as) => as.map((a) => ({ href: a.getAttribute("href"), verdict: a.querySelector("b")?.textContent })));
    expect(cells).toEqual(
      expect.arrayContaining([
        { href: `#${FAILING}`, verdict: "fail" },
        { href: `#${UNSUPPORTED}`, verdict: "unsupported" },
        { href: `#${PASSING}`, verdict: "pass" },
      ]),
    );
    expect(cells).toHaveLength(3);
    // Readable: a full matrix for three runs, the cell drawn with some size.
    const box = await page.locator(`a.cell[href="#${FAILING}"]`).boundingBox();
    expect(box!.width).toBeGreaterThan(100);
    expect(await page.locator("table.matrix").getAttribute("class")).toBe("matrix");
  });

  it("draws the failing run's swimlane timeline: the fault band, the broker down, lost messages", async (ctx) => {
    if (skip) ctx.skip(skip);
    const svg = page.locator(`#${FAILING.replace(/\./g, "\\.")} svg.tl`);
    await svg.scrollIntoViewIfNeeded();
    await expect(svg.isVisible()).resolves.toBe(true);
    const box = await svg.boundingBox();
    expect(box!.width).toBeGreaterThan(600);
    expect(box!.height).toBeGreaterThan(60);
    await expect(svg.locator("g.fault text.blabel").textContent()).resolves.toBe("brokerCrash");
    // A lane's label is its own text; the <title> inside it is the hover help.
    const lanes = await svg.locator("text.lane").evaluateAll((ts) => ts.map((t) => [...t.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join("")));
    expect(lanes).toEqual(expect.arrayContaining(["faults", "broker", "client", "↑ published", "↓ received"]));
    expect(await svg.locator("rect.down").count()).toBeGreaterThan(0);
    expect(await svg.locator("line.m-lost, path.b-lost").count()).toBeGreaterThan(0);
    // A lost message's tick is drawn with a real size, not just present in the markup.
    const tick = await svg.locator("line.m-lost, path.b-lost").first().boundingBox();
    expect(tick!.height).toBeGreaterThan(5);
  });

  it("renders the failure's evidence open, each line with its time", async (ctx) => {
    if (skip) ctx.skip(skip);
    const check = page.locator(`#${FAILING.replace(/\./g, "\\.")} details.check.v-fail`);
    await expect(check.count()).resolves.toBe(1);
    await expect(check.getAttribute("open")).resolves.toBe("");
    await expect(check.locator("summary .cname").textContent()).resolves.toBe("noLostAcknowledged");
    const first = check.locator("ul.ev li").first();
    await first.scrollIntoViewIfNeeded();
    await expect(first.isVisible()).resolves.toBe(true);
    expect(await first.locator(".t").textContent()).toMatch(/^\d+\.\d{3} s$/);
    expect(await first.locator(".etext").textContent()).toMatch(/acknowledged to the client at [\d.]+ s while the broker was down .*never delivered/);
  });

  it("leads the failing run with its root cause, then a copyable reproduce command and links to its files", async (ctx) => {
    if (skip) ctx.skip(skip);
    const section = page.locator(`#${FAILING.replace(/\./g, "\\.")}`);
    // The cause is the first thing under the run's heading.
    const order = await section.evaluate((s) => [...s.children].slice(0, 3).map((c) => c.className));
    expect(order).toEqual(["run-h", "cause v-fail", "title"]);
    const cause = section.locator(".cause");
    await cause.scrollIntoViewIfNeeded();
    await expect(cause.isVisible()).resolves.toBe(true);
    expect(await cause.locator(".cline").textContent()).toMatch(/\S/);
    // The command as text, and a copy button the page's script shows (the CSP let it run).
    const code = section.locator(".repro code");
    expect(await code.textContent()).toMatch(/^faraday run broker-crash --client lossy --client-path \S+ --protocol 3\.1\.1 --broker mosquitto --seed \d+$/);
    const copy = section.locator(".repro button.copy");
    await expect(copy.isVisible()).resolves.toBe(true);
    await copy.click();
    await page.waitForFunction((id) => document.getElementById(id)!.querySelector("button.copy")!.textContent !== "copy", FAILING);
    expect(await copy.textContent()).toMatch(/^(copied|selected: press Ctrl\+C)$/);
    // The run's own files, linked relative to the page, and there.
    const hrefs = await section.locator(".files a").evaluateAll((as) => as.map((a) => a.getAttribute("href")!));
    expect(hrefs.map((h) => h.split("/").at(-1))).toEqual(["timeline.jsonl", "client.log"]);
    for (const h of hrefs) {
      expect(h).not.toMatch(/^(\/|[a-z]+:)/);
      expect(existsSync(join(reportFile, "..", ...h.split("/").map(decodeURIComponent))), h).toBe(true);
    }
  });

  it("saves a screenshot of the report as opened (matrix and timelines) beside it", async (ctx) => {
    if (skip) ctx.skip(skip);
    await page.evaluate(() => window.scrollTo(0, 0));
    const shot = join(reportFile, "..", "report.png");
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(20_000);
    console.log(`report.browser.test: screenshot ${shot}`);
  });

  it("filters: failures only hides the other runs, their matrix cells and rows; verdict and protocol too", async (ctx) => {
    if (skip) ctx.skip(skip);
    const form = page.locator("form.filters");
    await expect(form.isVisible()).resolves.toBe(true);
    const shownRuns = () => page.locator("section.run").evaluateAll((ss) => ss.filter((s) => !(s as unknown as { hidden: boolean }).hidden && getComputedStyle(s).display !== "none").map((s) => s.id));
    const shownRows = () => page.locator("table.matrix tbody tr").evaluateAll((rs) => rs.filter((r) => getComputedStyle(r).display !== "none").map((r) => r.querySelector("th a")?.getAttribute("href")));
    expect(await shownRuns()).toHaveLength(3);
    expect(await shownRows()).toEqual([`#${FAILING}`, `#${PASSING}`]); // broker-crash, v3-connect-accepted

    await form.locator("input[name=failures]").check();
    expect(await shownRuns()).toEqual([FAILING]);
    expect(await shownRows()).toEqual([`#${FAILING}`]);
    await expect(page.locator(`a.cell[href="#${PASSING}"]`).isVisible()).resolves.toBe(false);
    await expect(page.locator(`a.cell[href="#${UNSUPPORTED}"]`).isVisible()).resolves.toBe(false);
    await expect(page.locator(`#${PASSING.replace(/\./g, "\\.")}`).isVisible()).resolves.toBe(false);
    // The v5 column has no failing cell: it goes too.
    expect(await page.locator("table.matrix thead th").evaluateAll((hs) => hs.filter((h) => getComputedStyle(h).display !== "none").length)).toBe(2);
    await expect(form.locator("output").textContent()).resolves.toBe("1 of 3 runs");

    await form.locator("input[name=failures]").uncheck();
    await form.locator("select[name=verdict]").selectOption("unsupported");
    expect(await shownRuns()).toEqual([UNSUPPORTED]);
    await form.locator("select[name=verdict]").selectOption("");
    await form.locator("select[name=protocol]").selectOption("3.1.1");
    expect((await shownRuns()).sort()).toEqual([FAILING, PASSING].sort());
    // No baseline in these runs: no baseline control.
    await expect(form.locator("select[name=baseline]").count()).resolves.toBe(0);

    await form.locator("button[type=reset]").click();
    // The form's values are reset after its reset event: the script applies them a task later.
    // (Wait for the runs, not the count: a reset puts the <output> back to its first text at once.)
    await page.waitForFunction(() => document.querySelectorAll("section.run[hidden], table.matrix [hidden]").length === 0);
    expect(await shownRuns()).toHaveLength(3);
    await expect(form.locator("output").textContent()).resolves.toBe("3 of 3 runs");
  });

  it("a matrix cell navigates to its run", async (ctx) => {
    if (skip) ctx.skip(skip);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.locator(`a.cell[href="#${PASSING}"]`).click();
    await page.waitForFunction((id) => location.hash === `#${id}`, PASSING);
    // The run's section is where the browser went: its heading in view, not under the sticky filters.
    await page.waitForFunction((id) => {
      const r = document.getElementById(id)!.querySelector("h3")!.getBoundingClientRect();
      const bar = document.getElementById("filters")!.getBoundingClientRect();
      return r.top >= bar.bottom && r.bottom <= innerHeight;
    }, PASSING);
    await expect(page.locator(`#${PASSING.replace(/\./g, "\\.")} h3`).textContent()).resolves.toBe(PASSING.slice("run-".length));

    // The compact matrix (what 500 runs get): small squares, and they navigate as well.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.locator("form.filters input[name=compact]").check();
    await expect(page.locator("table.matrix").getAttribute("class")).resolves.toBe("matrix compact");
    const square = await page.locator(`a.cell[href="#${FAILING}"]`).boundingBox();
    expect(square!.width).toBeLessThan(30);
    await page.locator(`a.cell[href="#${FAILING}"]`).click();
    await page.waitForFunction((id) => location.hash === `#${id}`, FAILING);
    await page.locator("form.filters input[name=compact]").uncheck();
  });

  it("raised no script error and no CSP violation", async (ctx) => {
    if (skip) ctx.skip(skip);
    expect(problems).toEqual([]);
  });

  it("reads the same with scripts off: no filters, every run shown", async (ctx) => {
    if (skip) ctx.skip(skip);
    const context = await browser!.newContext({ javaScriptEnabled: false });
    try {
      const plain = await context.newPage();
      await plain.goto(pathToFileURL(reportFile).href);
      await expect(plain.locator("form.filters").isVisible()).resolves.toBe(false);
      expect(await plain.locator("section.run").count()).toBe(3);
      await expect(plain.locator(`#${FAILING.replace(/\./g, "\\.")} svg.tl`).isVisible()).resolves.toBe(true);
      await expect(plain.locator(`a.cell[href="#${PASSING}"]`).isVisible()).resolves.toBe(true);
      // The reproduce command is there to select; the copy button, which needs the script, is not.
      await expect(plain.locator(`#${FAILING.replace(/\./g, "\\.")} .repro code`).isVisible()).resolves.toBe(true);
      await expect(plain.locator(`#${FAILING.replace(/\./g, "\\.")} .repro button.copy`).isVisible()).resolves.toBe(false);
    } finally {
      await context.close();
    }
  });
});
