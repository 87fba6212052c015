import { existsSync, readFileSync, readdirSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import { repoRoot } from "../tools/paths.ts";
import { InputError } from "../lab/errors.ts";
import { clip, visible } from "../report/safeText.ts";
import type { ClientManifest, ResolvedClient } from "./device.ts";

/** A manifest as stored in fixtures/clients/<name>.json. */
interface StoredManifest extends ClientManifest {
  /** The importable module or package name (mqtt_as, aiomqttc). */
  module?: string;
  /** Where the package comes from by default: "pypi" (set-up fetches it) or "path" (the user names a folder). */
  source?: "pypi" | "path" | "node";
  /** Folder clients: the folder holding the client's code, relative to the manifest ("../lossy"). */
  package?: string;
}

const manifestsDir = join(repoRoot, "fixtures", "clients");

export function knownClients(): string[] {
  return readdirSync(manifestsDir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -5));
}

/** Where a client listed in fixtures/clients/ comes from ("pypi", "path", "node"); undefined for any other name. */
export function readClientSource(name: string): StoredManifest["source"] {
  return knownClients().includes(name) ? readManifest(name).source : undefined;
}

export function readManifest(name: string): StoredManifest {
  // Only a name listed in fixtures/clients/ (never a path that happens to exist: "../../package").
  if (!knownClients().includes(name))
    throw new InputError(`unknown client "${visible(clip(name, 80))}" (known: ${knownClients().join(", ")}; or --client-path to a folder with faraday-client.json)`);
  return loadManifest(join(manifestsDir, `${name}.json`));
}

// ---------------------------------------------------------------------------------------------
// Manifests are checked against the published schema, schemas/client-manifest.schema.json
// (JSON Schema draft 2020-12), before anything runs: a wrong one is one line naming the file
// and the field, never a stack trace halfway through a run.

export const manifestSchemaFile = join(repoRoot, "schemas", "client-manifest.schema.json");
let validator: ValidateFunction | undefined;

function manifestValidator(): ValidateFunction {
  if (!validator) {
    const schema = JSON.parse(readFileSync(manifestSchemaFile, "utf8")) as object;
    validator = new Ajv2020({ allErrors: false, verbose: true, strict: true }).compile(schema);
  }
  return validator;
}

/** A path as the user would type it: relative to the working directory when inside it. */
function shown(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}

/** "Unexpected token } in JSON at position 40" → "… at line 3 column 5". */
function jsonWhere(text: string, message: string): string {
  const m = /at position (\d+)/.exec(message);
  if (!m) return message;
  const pos = Number(m[1]);
  const before = text.slice(0, pos).split("\n");
  return message.replace(/at position \d+.*$/, `at line ${before.length} column ${before.at(-1)!.length + 1}`);
}

const value = (v: unknown) => visible(clip(JSON.stringify(v) ?? String(v), 60));

/** One ajv error as a phrase naming the field: "/protocols/0 must be one of 3.1.1, 5 (not "4")". */
export function describeManifestError(e: ErrorObject): string {
  const at = e.instancePath || "the manifest";
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "required":
      return `${e.instancePath}/${String(p.missingProperty)} is missing (required)`;
    case "additionalProperties":
      return `${e.instancePath}/${visible(clip(String(p.additionalProperty), 60))} is not a manifest field (see schemas/client-manifest.schema.json)`;
    case "enum":
      return `${at} must be one of ${(p.allowedValues as unknown[]).map(String).join(", ")} (not ${value(e.data)})`;
    case "pattern":
      return `${at} ${value(e.data)} must match ${String(p.pattern)}${e.instancePath === "/name" ? " (one plain folder name: it names the run folders)" : ""}`;
    case "type": {
      const t = String(p.type);
      return `${at} must be ${/^[aeiou]/.test(t) ? "an" : "a"} ${t}${e.data !== undefined && typeof e.data !== "object" ? ` (not ${value(e.data)})` : ""}`;
    }
    case "propertyNames":
      return `${at} has a key that is not a feature id (${String(p.propertyName)})`;
    default:
      return `${at} ${e.message ?? "is not valid"}${e.data !== undefined && typeof e.data !== "object" ? ` (not ${value(e.data)})` : ""}`;
  }
}

/** Read and check a manifest; every way it can be wrong is one line naming the file and the field. */
export function loadManifest(file: string): StoredManifest {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "EISDIR" ? "is a folder, not a file" : code === "EACCES" ? "cannot be read (no permission)" : `cannot be read (${code ?? String(err)})`;
    throw new InputError(`${shown(file)}: ${why}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${shown(file)}: not valid JSON — ${jsonWhere(text, (err as Error).message)}`);
  }
  const validate = manifestValidator();
  if (!validate(data)) {
    const [first] = validate.errors ?? [];
    throw new InputError(`${shown(file)}: ${first ? describeManifestError(first) : "does not match schemas/client-manifest.schema.json"}`);
  }
  return data as StoredManifest;
}

/**
 * Remembered client folders: FARADAY_CLIENT_PATH (for a client that needs a folder, such as
 * mqtt_as: it must not send the PyPI default elsewhere), then faraday.config.json
 * {"clientPaths": {name: dir}}.
 */
function rememberedPath(name: string, source: StoredManifest["source"]): string | undefined {
  if (process.env.FARADAY_CLIENT_PATH && source !== "pypi") return process.env.FARADAY_CLIENT_PATH;
  for (const dir of [process.cwd(), repoRoot]) {
    const f = join(dir, "faraday.config.json");
    if (!existsSync(f)) continue;
    const cfg = JSON.parse(readFileSync(f, "utf8")) as { clientPaths?: Record<string, string> };
    const p = cfg.clientPaths?.[name];
    if (p) return resolve(dir, p);
  }
  return undefined;
}

function holdsModule(dir: string, module: string): boolean {
  return ["__init__.py", "__init__.mpy"].some((f) => existsSync(join(dir, module, f))) || [".py", ".mpy"].some((x) => existsSync(join(dir, module + x)));
}

function gitRevision(dir: string): string | undefined {
  try {
    const rev = execFileSync("git", ["-C", dir, "describe", "--always", "--dirty", "--tags"], { stdio: ["ignore", "pipe", "ignore"], timeout: 2000 })
      .toString()
      .trim();
    return rev || undefined;
  } catch {
    return undefined;
  }
}

/**
 * A client folder as a reproduce command names it, never as an absolute path of this machine:
 * inside the repository, its path from the repository's root (`test/fixtures/clients/lossy`,
 * copyable as it is); elsewhere a quoted placeholder with the first 8 hex digits of the
 * SHA-256 of its absolute path (`'<client-path #3f2a9c1b>'`), which tells two checkouts apart
 * without saying where they are.
 */
export function clientPathToken(dir: string, root = repoRoot): string {
  const abs = resolve(dir);
  const rel = relative(root, abs);
  if (!rel.startsWith("..") && !isAbsolute(rel)) {
    const p = rel === "" ? "." : rel.split("\\").join("/");
    return /^[A-Za-z0-9._/-]+$/.test(p) ? p : `'${p.replace(/'/g, "'\\''")}'`;
  }
  return `'<client-path #${createHash("sha256").update(abs).digest("hex").slice(0, 8)}>'`;
}

/**
 * Turn --client / --client-path into a client the lab can run: its package folder, its
 * adapter and its manifest. Every way this can go wrong is one sentence the user can act on.
 */
export function resolveClient(
  name: string,
  clientPath: string | undefined,
  pypiClientDir: (module: string) => { dir: string; version: string } | undefined,
): ResolvedClient {
  // A folder that brings its own manifest and adapter (test fixtures, a user's own client).
  if (clientPath && existsSync(join(clientPath, "faraday-client.json"))) {
    const dir = resolve(clientPath);
    const manifest = loadManifest(join(dir, "faraday-client.json"));
    const adapterFile = join(dir, "faraday_adapter.py");
    if (!existsSync(adapterFile)) throw new InputError(`${dir} has faraday-client.json but no faraday_adapter.py`);
    // The client's code may live in another folder ("package": "../lossy"), shared by variants.
    const packageDir = manifest.package ? resolve(dir, manifest.package) : dir;
    if (!existsSync(packageDir)) throw new InputError(`${dir}/faraday-client.json names a package folder that does not exist: ${packageDir}`);
    return { name: manifest.name, packageDir, adapterFile, manifest, revision: gitRevision(dir) ?? "local folder", reproducePath: clientPathToken(dir) };
  }
  const manifest = readManifest(name);
  const module = manifest.module ?? name;
  const adapterFile = join(repoRoot, "harness", "device", "adapters", `${name}.py`);
  if (manifest.source === "node") return { name, packageDir: "", adapterFile: "", manifest, revision: "npm mqtt" };
  if (!existsSync(adapterFile)) throw new InputError(`client "${name}" has no adapter (expected ${adapterFile})`);

  let dir = clientPath ?? rememberedPath(name, manifest.source);
  let revision: string | undefined;
  let reproducePath: string | undefined;
  if (dir) {
    dir = resolve(dir);
    if (!existsSync(dir)) throw new InputError(`--client-path ${dir} does not exist`);
    // Accept the package folder itself as well as the folder that holds it.
    if (basename(dir) === module && holdsModule(dirname(dir), module)) dir = dirname(dir);
    if (!holdsModule(dir, module)) throw new InputError(`--client-path ${dir} does not hold the ${module} package (expected ${join(dir, module, "__init__.py")} or ${module}.py)`);
    revision = gitRevision(dir) ?? "local folder";
    reproducePath = clientPathToken(dir);
  } else if (manifest.source === "pypi") {
    const found = pypiClientDir(module);
    if (!found) throw new InputError(`client "${name}" is not installed — run: npx faraday setup`);
    dir = found.dir;
    revision = `PyPI ${found.version}`;
  } else {
    throw new InputError(`client "${name}" needs --client-path <folder holding ${module}/> (e.g. a checkout of its repository)`);
  }
  return { name, packageDir: dir, adapterFile, manifest, revision, module, ...(reproducePath ? { reproducePath } : {}) };
}
