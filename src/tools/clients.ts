// MicroPython MQTT clients the lab fetches from PyPI as wheels and unpacks into
// .tools/clients/<name>/ — never installed into CPython, whose interpreter has nothing to do
// with them. Only wheels work this way: sdists of MicroPython packages (e.g.
// micropython-mqtt-async) have neither setup.py nor pyproject.toml and `pip download` fails on
// them. The list is the manifests in fixtures/clients/ whose source is pypi, each naming its
// wheel under "pip": adding such a client is adding its manifest (and its adapter).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { scratchDir } from "./exec.ts";
import { clientsDir, repoRoot } from "./paths.ts";
import { extractFromWheel, pipDownloadWheel, pythonCommand } from "./pip.ts";
import { InstallError, SETUP_FIX, type Component, type Found, type FindResult, type Log } from "./types.ts";

export interface ClientSpec {
  /** Folder name under .tools/clients and the key in Toolchain.clients. */
  name: string;
  /** Exact pip requirement of a wheel: "name==version". */
  pip: string;
  /** Files to take, as paths inside the installed package (the wheel's layout). */
  files: readonly string[];
}

/** What this module reads of a manifest (the whole shape: schemas/client-manifest.schema.json). */
interface PypiManifest {
  name: string;
  source?: string;
  pip?: { requirement: string; files: string[] };
}

function pypiClients(dir = path.join(repoRoot, "fixtures", "clients")): ClientSpec[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), "utf8")) as PypiManifest)
    .flatMap((m) => (m.source === "pypi" && m.pip ? [{ name: m.name, pip: m.pip.requirement, files: m.pip.files }] : []));
}

/** The clients `faraday setup` fetches from PyPI: aiomqttc 1.0.7 (its module still says __version__ = "1.0.6"). */
export const CLIENTS: readonly ClientSpec[] = pypiClients();

export type ClientName = string;

export const MARKER = ".faraday-client.json";

/** "aiomqttc==1.0.7" → "1.0.7"; pins are required so a run is reproducible. */
export function pinnedVersion(pip: string): string {
  const m = /^[A-Za-z0-9._-]+==([^\s;]+)$/.exec(pip.trim());
  if (!m?.[1]) throw new Error(`client pip spec must pin one version (name==x.y.z): ${pip}`);
  return m[1];
}

export function clientSpec(name: string): ClientSpec {
  const spec = CLIENTS.find((c) => c.name === name);
  if (!spec) throw new Error(`unknown MicroPython client "${name}" (known: ${CLIENTS.map((c) => c.name).join(", ")})`);
  return spec;
}

/** The folder that holds a client's files; put it on the device's sys.path. */
export function clientPackageDir(name: string): string {
  return path.join(clientsDir(), clientSpec(name).name);
}

interface Marker {
  pip: string;
  files: string[];
}

export function clientComponent(spec: ClientSpec): Component {
  const version = pinnedVersion(spec.pip);
  const dir = (): string => path.join(clientsDir(), spec.name);

  async function find(): Promise<FindResult> {
    let marker: Marker | undefined;
    try {
      marker = JSON.parse(readFileSync(path.join(dir(), MARKER), "utf8")) as Marker;
    } catch {
      // not installed
    }
    const fix = pythonCommand() ? SETUP_FIX : `sudo apt-get install python3 python3-pip, then: ${SETUP_FIX}`;
    if (!marker) return { ok: false, why: `${spec.name} not in ${dir()}`, fix };
    if (marker.pip !== spec.pip) return { ok: false, why: `${dir()} has ${marker.pip}, want ${spec.pip}`, fix };
    const missing = spec.files.filter((f) => !existsSync(path.join(dir(), f)));
    if (missing.length) return { ok: false, why: `${dir()} lacks ${missing.join(", ")}`, fix };
    return { ok: true, where: dir(), version, source: `PyPI ${spec.pip}` };
  }

  async function install(_log: Log): Promise<Found> {
    const before = await find();
    if (before.ok) return before;
    const tmp = await scratchDir(`client-${spec.name}`);
    try {
      const wheel = await pipDownloadWheel(spec.pip, tmp);
      const files = await extractFromWheel(wheel, spec.files);
      const staged = path.join(tmp, "pkg");
      for (const [rel, f] of files) {
        await mkdir(path.dirname(path.join(staged, rel)), { recursive: true });
        await writeFile(path.join(staged, rel), f.data);
      }
      const marker: Marker = { pip: spec.pip, files: [...spec.files] };
      await writeFile(path.join(staged, MARKER), JSON.stringify(marker, null, 2) + "\n");
      await mkdir(clientsDir(), { recursive: true });
      await rm(dir(), { recursive: true, force: true });
      await rename(staged, dir());
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    const after = await find();
    if (!after.ok) throw new InstallError(after.why, after.fix);
    return after;
  }

  return { name: spec.name, wanted: version, optional: false, method: `pip download ${spec.pip} (a few seconds)`, find, install };
}

export const clientComponents: Component[] = CLIENTS.map(clientComponent);
