import { existsSync, readFileSync, readdirSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { execFileSync } from "node:child_process";
import { repoRoot } from "../tools/paths.ts";
import { InputError } from "../lab/errors.ts";
import type { ClientManifest, ResolvedClient } from "./device.ts";

/** A manifest as stored in fixtures/clients/<name>.json. */
interface StoredManifest extends ClientManifest {
  /** The importable module or package name (mqtt_as, aiomqttc). */
  module?: string;
  /** Where the package comes from by default: "pypi" (set-up fetches it) or "path" (the user names a folder). */
  source?: "pypi" | "path" | "node";
}

const manifestsDir = join(repoRoot, "fixtures", "clients");

export function knownClients(): string[] {
  return readdirSync(manifestsDir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -5));
}

export function readManifest(name: string): StoredManifest {
  const file = join(manifestsDir, `${name}.json`);
  if (!existsSync(file)) throw new InputError(`unknown client "${name}" (known: ${knownClients().join(", ")}; or --client-path to a folder with faraday-client.json)`);
  return JSON.parse(readFileSync(file, "utf8")) as StoredManifest;
}

/** Remembered client folders: FARADAY_CLIENT_PATH, then faraday.config.json {"clientPaths": {name: dir}}. */
function rememberedPath(name: string): string | undefined {
  if (process.env.FARADAY_CLIENT_PATH) return process.env.FARADAY_CLIENT_PATH;
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
    const manifest = JSON.parse(readFileSync(join(dir, "faraday-client.json"), "utf8")) as ClientManifest & { package?: string };
    const adapterFile = join(dir, "faraday_adapter.py");
    if (!existsSync(adapterFile)) throw new InputError(`${dir} has faraday-client.json but no faraday_adapter.py`);
    // The client's code may live in another folder ("package": "../lossy"), shared by variants.
    const packageDir = manifest.package ? resolve(dir, manifest.package) : dir;
    if (!existsSync(packageDir)) throw new InputError(`${dir}/faraday-client.json names a package folder that does not exist: ${packageDir}`);
    return { name: manifest.name, packageDir, adapterFile, manifest, revision: gitRevision(dir) ?? "local folder" };
  }
  const manifest = readManifest(name);
  const module = manifest.module ?? name;
  const adapterFile = join(repoRoot, "harness", "device", "adapters", `${name}.py`);
  if (manifest.source === "node") return { name, packageDir: "", adapterFile: "", manifest, revision: "npm mqtt" };
  if (!existsSync(adapterFile)) throw new InputError(`client "${name}" has no adapter (expected ${adapterFile})`);

  let dir = clientPath ?? rememberedPath(name);
  let revision: string | undefined;
  if (dir) {
    dir = resolve(dir);
    if (!existsSync(dir)) throw new InputError(`--client-path ${dir} does not exist`);
    // Accept the package folder itself as well as the folder that holds it.
    if (basename(dir) === module && holdsModule(dirname(dir), module)) dir = dirname(dir);
    if (!holdsModule(dir, module)) throw new InputError(`--client-path ${dir} does not hold the ${module} package (expected ${join(dir, module, "__init__.py")} or ${module}.py)`);
    revision = gitRevision(dir) ?? "local folder";
  } else if (manifest.source === "pypi") {
    const found = pypiClientDir(module);
    if (!found) throw new InputError(`client "${name}" is not installed — run: npx faraday setup`);
    dir = found.dir;
    revision = `PyPI ${found.version}`;
  } else {
    throw new InputError(`client "${name}" needs --client-path <folder holding ${module}/> (e.g. a checkout of its repository)`);
  }
  return { name, packageDir: dir, adapterFile, manifest, revision, module };
}
