// Plug-ins are one file: every file in src/brokers/, src/faults/ (and profiles/), src/devices/
// and src/checks/ either declares a plug-in its folder's index.ts registers or is a helper
// named below; every plug-in is documented (help line, guarantee and bound, README and
// docs/checkers.md); and the
// examples in docs/extending.md, dropped into a copy of the sources, are picked up by the
// registries, `faraday --help` and the README check. Adding one file is enough; forgetting to
// document it fails here.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { isBrokerKind } from "../../src/brokers/kind.ts";
import { BROKERS, brokerFactory, brokerKinds, defaultBroker } from "../../src/brokers/index.ts";
import { isChecker } from "../../src/checks/check.ts";
import { CHECKERS } from "../../src/checks/index.ts";
import { knownClients, readManifest } from "../../src/devices/clients.ts";
import { isDevice } from "../../src/devices/device.ts";
import { DEVICES, defaultDevice, deviceNames } from "../../src/devices/index.ts";
import { isFault } from "../../src/faults/fault.ts";
import { FAULTS, PROFILES } from "../../src/faults/index.ts";
import { isProfile } from "../../src/faults/profiles/profile.ts";
import { CLIENTS } from "../../src/tools/clients.ts";
import { components } from "../../src/tools/components.ts";
import { generatedFiles } from "../../scripts/readme.ts";

const repo = resolve(import.meta.dirname, "..", "..");
const readme = readFileSync(join(repo, "README.md"), "utf8");

/**
 * Files in a plug-in folder that are not plug-ins: the shapes, shared helpers and the index.
 * A new helper goes here; a new plug-in never does.
 */
const HELPERS: Record<string, string[]> = {
  "src/brokers": ["index.ts", "broker.ts", "kind.ts", "container.ts", "tlsMaterial.ts", "settings.ts"],
  "src/faults": ["index.ts", "fault.ts", "toxics.ts", "seeded.ts", "wlanStack.ts"],
  "src/faults/profiles": ["profile.ts"],
  "src/checks": ["index.ts", "cause.ts", "check.ts", "context.ts", "history.ts", "ledger.ts", "owed.ts", "receipts.ts", "verdict.ts", "wire.ts"],
  "src/devices": ["index.ts", "device.ts", "channel.ts", "clients.ts", "launch.ts", "precompile.ts"],
};

const tsFiles = (dir: string) =>
  readdirSync(join(repo, dir))
    .filter((f) => f.endsWith(".ts"))
    .sort();

/** For each plug-in file of a folder: what it declares, and whether the folder's registry holds exactly those objects. */
async function declaredIn(dir: string, is: (x: unknown) => boolean): Promise<Map<string, unknown[]>> {
  const out = new Map<string, unknown[]>();
  for (const f of tsFiles(dir)) {
    if (HELPERS[dir]!.includes(f)) continue;
    const file = `${dir}/${f}`;
    const mod = (await import(join(repo, file))) as Record<string, unknown>;
    out.set(file, Object.values(mod).filter(is));
  }
  return out;
}

/** Exported functions of a file whose declared return type is `type` (the TypeScript parser's view). */
function functionsReturning(file: string, type: string): string[] {
  const src = ts.createSourceFile(file, readFileSync(join(repo, file), "utf8"), ts.ScriptTarget.ES2022, true);
  const names: string[] = [];
  src.forEachChild((n) => {
    if (ts.isFunctionDeclaration(n) && n.name && n.type?.getText(src) === type && n.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) names.push(n.name.text);
  });
  return names;
}

const registered = (values: readonly unknown[]) => new Set(values);

describe("every file in a plug-in folder is registered", () => {
  const cases: [string, (x: unknown) => boolean, Set<unknown>][] = [
    ["src/brokers", isBrokerKind, registered(Object.values(BROKERS))],
    ["src/faults", isFault, registered(Object.values(FAULTS))],
    ["src/faults/profiles", isProfile, registered(Object.values(PROFILES))],
    ["src/checks", isChecker, registered(Object.values(CHECKERS))],
    ["src/devices", isDevice, registered(Object.values(DEVICES))],
  ];
  it.each(cases)("%s", async (dir, is, registry) => {
    for (const [file, declared] of await declaredIn(dir, is)) {
      expect(declared.length, `${file} declares no plug-in: declare it (docs/extending.md), or list it under HELPERS in this test if it is a helper`).toBeGreaterThan(0);
      for (const d of declared) expect(registry.has(d), `${file}: ${(d as { name: string }).name} is not in ${dir}/index.ts's registry`).toBe(true);
    }
  });

  it("every checker factory has its descriptor, and every descriptor builds a check of its name", () => {
    for (const f of tsFiles("src/checks")) {
      for (const fn of functionsReturning(`src/checks/${f}`, "Check")) {
        const d = Object.values(CHECKERS).find((c) => c.factory.name === fn);
        expect(d, `src/checks/${f}: ${fn}() builds a Check but no defineChecker names it`).toBeDefined();
      }
    }
    for (const [name, d] of Object.entries(CHECKERS)) {
      expect((d.example ?? (d.factory as () => { name: string }))().name, name).toBe(name);
      expect(d.guarantee.length, name).toBeGreaterThan(10);
      expect(d.bound.length, name).toBeGreaterThan(0);
    }
  });

  it("every fault factory has its descriptor, and every descriptor makes a fault of its kind", () => {
    for (const f of tsFiles("src/faults").filter((f) => !HELPERS["src/faults"]!.includes(f)))
      for (const fn of functionsReturning(`src/faults/${f}`, "Fault")) expect(FAULTS[fn], `src/faults/${f}: ${fn}() makes a Fault but no defineFault names it`).toBeDefined();
    for (const [name, d] of [...Object.entries(FAULTS), ...Object.entries(PROFILES)]) {
      expect(d.help.length, name).toBeGreaterThan(5);
      expect(d.how.length, name).toBeGreaterThan(5);
    }
  });

  it("every broker kind builds a broker of its name, and names a tool setup knows", () => {
    const setupKnows = new Set(components().map((c) => c.name));
    const tools = { found: { mosquitto: { path: "/usr/sbin/mosquitto" } } };
    for (const k of Object.values(BROKERS)) {
      expect(brokerFactory(k.name, tools, { durable: true }).kind).toBe(k.name);
      expect(k.help.length, k.name).toBeGreaterThan(10);
      if (k.tool) expect(setupKnows.has(k.tool), `${k.name} needs ${k.tool}, which src/tools/components.ts does not list`).toBe(true);
    }
    expect(Object.values(BROKERS).filter((k) => k.isDefault).map((k) => k.name)).toEqual([defaultBroker]);
  });

  it("every device kind names a known default client and a tool setup knows", () => {
    const setupKnows = new Set(components().map((c) => c.name));
    for (const d of Object.values(DEVICES)) {
      expect(knownClients(), d.name).toContain(d.defaultClient);
      expect(d.refuses?.(d.defaultClient), d.name).toBeUndefined();
      if (d.tool) expect(setupKnows.has(d.tool), `${d.name} needs ${d.tool}`).toBe(true);
    }
    expect(Object.values(DEVICES).filter((d) => d.isDefault).map((d) => d.name)).toEqual([defaultDevice]);
  });

  it("every client in fixtures/clients/ has a valid manifest, a description and an adapter; PyPI ones are fetched by setup", () => {
    for (const name of knownClients()) {
      const m = readManifest(name);
      expect(m.name, name).toBe(name);
      expect(m.description?.length ?? 0, `${name}: a description (its help line)`).toBeGreaterThan(10);
      if (m.source !== "node") expect(existsSync(join(repo, "harness", "device", "adapters", `${name}.py`)), `${name}: harness/device/adapters/${name}.py`).toBe(true);
      if (m.source === "pypi") expect(CLIENTS.map((c) => c.name)).toContain(name);
    }
  });
});

describe("every plug-in is in the README and docs/checkers.md", () => {
  it("the checker tables (docs/checkers.md), fault and profile tables (README.md) are the ones the descriptors make (npx tsx scripts/readme.ts)", () => {
    const files = generatedFiles(repo);
    expect(files.map((f) => f.file)).toEqual(["README.md", "docs/checkers.md"]);
    for (const f of files) expect(f.made === f.now, `${f.file}'s generated tables are out of date: run npx tsx scripts/readme.ts`).toBe(true);
    // Every checker has its row, in the table of its group.
    const checkers = files.find((f) => f.file === "docs/checkers.md")!.now;
    for (const c of Object.values(CHECKERS)) {
      const table = checkers.slice(checkers.indexOf(`<!-- generated: ${c.group} checkers`), checkers.indexOf(`<!-- end: ${c.group} checkers -->`));
      expect(table, c.name).toContain(`| \`${c.name}\` | `);
    }
    // The README points there rather than keeping a copy that could drift.
    expect(readme).not.toContain("<!-- generated: resilience checkers");
    expect(readme).toContain("docs/checkers.md");
  });

  it("the broker table has every kind, in --broker all's order, with the protocols it speaks", () => {
    const section = readme.slice(readme.indexOf("## Brokers"), readme.indexOf("\n## ", readme.indexOf("## Brokers") + 1));
    const rows = [...section.matchAll(/^\| `([^`]+)`( \(default\))? \| [^|]+ \| ([^|]+) \|/gm)].map((m) => ({ name: m[1]!, isDefault: Boolean(m[2]), mqtt: m[3]!.trim() }));
    const tools = { found: {} };
    expect(rows.map((r) => r.name)).toEqual(brokerKinds());
    for (const r of rows) {
      expect(r.isDefault, r.name).toBe(r.name === defaultBroker);
      expect(r.mqtt, r.name).toBe(brokerFactory(r.name, tools, { durable: true }).protocols.join(", "));
    }
  });

  it("names every device kind and every client", () => {
    expect(readme).toContain(`--device ${deviceNames().join("|")}`);
    for (const name of knownClients()) expect(readme, `README.md never names the client ${name}`).toContain(`\`${name}\``);
  });
});

describe("docs/extending.md's examples, each one new file, are picked up", () => {
  const doc = readFileSync(join(repo, "docs", "extending.md"), "utf8");
  const examples = [...doc.matchAll(/^```\w+ file=(\S+)\n([\s\S]*?)^```$/gm)].map((m) => ({ file: m[1]!, text: m[2]! }));
  const scratch = mkdtempSync(join(tmpdir(), "faraday-plugins-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("shows a fault, a checker, a broker kind and a client", () => {
    expect(examples.map((e) => e.file.split("/").slice(0, 2).join("/"))).toEqual(["src/faults", "src/checks", "src/brokers", "fixtures/clients"]);
  });

  it("in a copy of the sources, with nothing else changed", () => {
    for (const d of ["src", "scripts", "schemas", "fixtures"]) cpSync(join(repo, d), join(scratch, d), { recursive: true });
    for (const f of ["README.md", "package.json", "docs/checkers.md"]) cpSync(join(repo, f), join(scratch, f));
    symlinkSync(join(repo, "node_modules"), join(scratch, "node_modules"));
    for (const e of examples) {
      expect(existsSync(join(repo, e.file)), `${e.file} is an example, not a file of the repository`).toBe(false);
      writeFileSync(join(scratch, e.file), e.text);
    }
    writeFileSync(
      join(scratch, "probe.mts"),
      `import { readFileSync } from "node:fs";
const { FAULTS } = await import("./src/faults/index.ts");
const { CHECKERS } = await import("./src/checks/index.ts");
const { brokerFactory, brokerKinds } = await import("./src/brokers/index.ts");
const { knownClients } = await import("./src/devices/clients.ts");
const { helpText } = await import("./src/cli/help.ts");
const { generatedFiles } = await import("./scripts/readme.ts");
const docs = generatedFiles(".");
const broker = brokerFactory("mosquitto-1.6", { found: {} }, { durable: true });
console.log(JSON.stringify({
  faults: Object.keys(FAULTS),
  checkers: Object.keys(CHECKERS),
  check: CHECKERS.firstUpWithin?.factory().name,
  brokers: brokerKinds(),
  broker: [broker.kind, broker.protocols],
  clients: knownClients(),
  help: helpText(),
  docsUpToDate: docs.map((d) => [d.file, d.made === d.now]),
  docsAfter: Object.fromEntries(docs.map((d) => [d.file, d.made])),
}));
`,
    );
    const r = spawnSync(process.execPath, ["--import", "tsx", "probe.mts"], { cwd: scratch, encoding: "utf8", timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout) as Record<string, unknown> & { help: string; docsAfter: Record<string, string> };
    expect(got.faults).toContain("lateClose");
    expect(got.checkers).toContain("firstUpWithin");
    expect(got.check).toBe("firstUpWithin");
    expect(got.brokers).toContain("mosquitto-1.6");
    expect(got.broker).toEqual(["mosquitto-1.6", ["3.1.1", "5"]]);
    expect(got.clients).toContain("myclient");
    expect(got.help).toMatch(/^ {2}mosquitto-1\.6 +mosquitto's 1\.6 line/m);
    expect(got.help.replace(/\s+/g, " ")).toContain("myclient (needs --client-path)");
    // Forgetting to document fails: the README's fault table and docs/checkers.md now lack the new fault and checker …
    expect(got.docsUpToDate).toEqual([["README.md", false], ["docs/checkers.md", false]]);
    // … until scripts/readme.ts has written their rows.
    expect(got.docsAfter["README.md"]).toContain("| `lateClose` | the broker's close reaches the device late");
    expect(got.docsAfter["docs/checkers.md"]).toContain("| `firstUpWithin` | the client's first connection is up");
  }, 90_000);
});
