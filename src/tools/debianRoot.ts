// A private Debian 13 (trixie) root holding MicroPython 1.25 and the glibc it
// needs. Debian 12 has no micropython package and trixie's needs glibc 2.38, so we
// unpack trixie's packages into a folder and start the binary through that
// folder's own dynamic loader. apt gets its own sources list, lists, cache and
// status file: the system's apt configuration and libc are never touched.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { describeFailure, ok, run, scratchDir, which } from "./exec.ts";
import { aptStateDir, micropythonRoot } from "./paths.ts";
import { InstallError, type Log } from "./types.ts";

export const SUITE = "trixie";
export const ROOT_PACKAGES = ["micropython", "libc6", "libffi8", "libmbedcrypto16", "libmbedtls21", "libmbedx509-7"] as const;
export const FALLBACK_MIRROR = "http://deb.debian.org/debian";
export const MARKER = ".faraday-root.json";
const KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg";

/** Where the loader and the libraries sit inside the root, per CPU. */
export function rootLayout(arch: string = process.arch): { loader: string; libDir: string; debArch: string } | undefined {
  if (arch === "x64") return { loader: "usr/lib64/ld-linux-x86-64.so.2", libDir: "usr/lib/x86_64-linux-gnu", debArch: "amd64" };
  if (arch === "arm64") return { loader: "usr/lib/ld-linux-aarch64.so.1", libDir: "usr/lib/aarch64-linux-gnu", debArch: "arm64" };
  return undefined;
}

/** argv that starts the root's MicroPython (append script or -c …). */
export function rootArgv(root: string, arch: string = process.arch): string[] {
  const l = rootLayout(arch);
  if (!l) throw new Error(`no private-root layout for CPU ${arch}`);
  return [path.join(root, l.loader), "--library-path", path.join(root, l.libDir), path.join(root, "usr/bin/micropython")];
}

/**
 * The Debian archive this machine already uses, from its apt sources (deb822
 * `URIs:` or one-line `deb URI suite …`), skipping security/updates archives,
 * which do not carry the main suite.
 */
export function parseAptMirror(sources: readonly string[]): string | undefined {
  const usable = (uri: string): boolean => /^https?:\/\//.test(uri) && !/security/.test(uri);
  for (const text of sources) {
    // deb822: stanzas separated by blank lines
    for (const stanza of text.split(/\n\s*\n/)) {
      const fields = new Map<string, string>();
      for (const line of stanza.split("\n")) {
        if (/^\s*#/.test(line)) continue;
        const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
        if (m?.[1] && m[2] !== undefined) fields.set(m[1].toLowerCase(), m[2].trim());
      }
      const types = fields.get("types") ?? "";
      if (fields.get("enabled")?.toLowerCase() === "no" || !types.split(/\s+/).includes("deb")) continue;
      const suites = (fields.get("suites") ?? "").split(/\s+/);
      if (!suites.some((s) => s !== "" && !s.includes("-") && !s.includes("/"))) continue; // only -security/-updates
      const uri = (fields.get("uris") ?? "").split(/\s+/).find(usable);
      if (uri) return uri.replace(/\/+$/, "");
    }
    // one-line format
    for (const line of text.split("\n")) {
      const m = /^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
      if (m?.[1] && m[2] && usable(m[1]) && !m[2].includes("-") && !m[2].includes("/")) return m[1].replace(/\/+$/, "");
    }
  }
  return undefined;
}

/** Read the machine's apt sources; deb.debian.org when there are none (or none usable). */
export function systemMirror(): string {
  const files: string[] = [];
  const dir = "/etc/apt/sources.list.d";
  try {
    for (const f of readdirSync(dir).sort()) if (f.endsWith(".sources") || f.endsWith(".list")) files.push(path.join(dir, f));
  } catch {
    // no such folder
  }
  files.unshift("/etc/apt/sources.list");
  const texts: string[] = [];
  for (const f of files) {
    try {
      texts.push(readFileSync(f, "utf8"));
    } catch {
      // unreadable or missing
    }
  }
  return parseAptMirror(texts) ?? FALLBACK_MIRROR;
}

export function sourcesListLine(mirror: string, keyring: string | undefined): string {
  return `deb ${keyring ? `[signed-by=${keyring}] ` : ""}${mirror} ${SUITE} main\n`;
}

/** Options that make apt-get use only the files under `state`. */
export function privateAptOptions(state: string): string[] {
  const o = (k: string, v: string): string[] => ["-o", `${k}=${v}`];
  return [
    ...o("Dir::Etc::SourceList", path.join(state, "sources.list")),
    ...o("Dir::Etc::SourceParts", "/dev/null"),
    ...o("Dir::State", state),
    ...o("Dir::State::Lists", path.join(state, "lists")),
    ...o("Dir::State::status", path.join(state, "status")),
    ...o("Dir::Cache", path.join(state, "cache")),
    ...o("Dir::Cache::archives", path.join(state, "debs")),
    // Only the Packages index is needed: skip translations and AppStream data (~8 MB).
    ...o("Acquire::Languages", "none"),
    ...o("Acquire::IndexTargets::deb::DEP-11::DefaultEnabled", "false"),
    ...o("Acquire::IndexTargets::deb::DEP-11-icons::DefaultEnabled", "false"),
    ...o("Acquire::IndexTargets::deb::DEP-11-icons-small::DefaultEnabled", "false"),
    ...o("Acquire::IndexTargets::deb::DEP-11-icons-hidpi::DefaultEnabled", "false"),
  ];
}

export function aptUpdateArgs(state: string): string[] {
  return [...privateAptOptions(state), "update"];
}

export function aptDownloadArgs(state: string, packages: readonly string[] = ROOT_PACKAGES): string[] {
  return [...privateAptOptions(state), "download", ...packages];
}

export interface RootMarker {
  suite: string;
  mirror: string;
  debs: string[];
  builtAt: string;
}

/** The marker is written last, so a root without it is half-built and gets rebuilt. */
export function readMarker(root: string = micropythonRoot()): RootMarker | undefined {
  try {
    return JSON.parse(readFileSync(path.join(root, MARKER), "utf8")) as RootMarker;
  } catch {
    return undefined;
  }
}

export function rootComplete(root: string = micropythonRoot()): boolean {
  return readMarker(root) !== undefined && rootArgv(root).every((p, i) => i === 1 || existsSync(p));
}

export const MANUAL_FIX = "install the MicroPython 1.25 unix port and put `micropython` on PATH (or set FARADAY_MICROPYTHON=/path/to/micropython)";

/** The root needs Debian's tools and a CPU we know the loader path for. */
export function canBuildRoot(): boolean {
  return which("apt-get") !== undefined && which("dpkg-deb") !== undefined && rootLayout() !== undefined;
}

/**
 * Build the root from nothing: apt-get update + download into .tools/apt-trixie,
 * dpkg-deb -x into a scratch folder, check it runs, then rename it into place.
 * `check` runs the new MicroPython and throws if it does not work.
 */
export async function buildRoot(log: Log, check: (argv: string[]) => Promise<void>): Promise<void> {
  const aptGet = which("apt-get");
  const dpkgDeb = which("dpkg-deb");
  if (!aptGet || !dpkgDeb) {
    throw new InstallError(
      "no micropython 1.25 found, and without apt-get/dpkg-deb the private Debian 13 root cannot be built",
      MANUAL_FIX,
    );
  }
  const layout = rootLayout();
  if (!layout) throw new InstallError(`no private-root recipe for CPU ${process.arch}`, MANUAL_FIX);

  const state = aptStateDir();
  const debs = path.join(state, "debs");
  await mkdir(path.join(state, "lists", "partial"), { recursive: true });
  await mkdir(path.join(state, "cache"), { recursive: true });
  await mkdir(debs, { recursive: true });
  const mirror = systemMirror();
  await writeFile(path.join(state, "sources.list"), sourcesListLine(mirror, existsSync(KEYRING) ? KEYRING : undefined));
  await writeFile(path.join(state, "status"), ""); // apt must not care what the host has installed

  log(`apt-get update (${mirror} ${SUITE}, private lists in ${state})`);
  const up = await run(aptGet, aptUpdateArgs(state), { timeoutMs: 10 * 60_000 });
  if (!ok(up) || /^(W|E): .*(Failed to fetch|not signed|NO_PUBKEY)/m.test(up.stderr)) {
    throw new InstallError(describeFailure(`apt-get update for ${SUITE}`, up), `apt-get ${aptUpdateArgs(state).join(" ")}   # to see the full error`);
  }

  // Old downloads would be unpacked too: start the download folder empty.
  for (const f of await readdir(debs)) if (f.endsWith(".deb")) await rm(path.join(debs, f), { force: true });
  log(`apt-get download ${ROOT_PACKAGES.join(" ")}`);
  const dl = await run(aptGet, aptDownloadArgs(state), { cwd: debs, timeoutMs: 10 * 60_000 });
  const files = (await readdir(debs)).filter((f) => f.endsWith(".deb")).sort();
  if (!ok(dl) || files.length < ROOT_PACKAGES.length) {
    throw new InstallError(describeFailure("apt-get download", dl), `cd ${debs} && apt-get ${aptDownloadArgs(state).join(" ")}`);
  }

  const tmp = await scratchDir("micropython-root");
  try {
    for (const f of files) {
      const x = await run(dpkgDeb, ["-x", path.join(debs, f), tmp], { timeoutMs: 2 * 60_000 });
      if (!ok(x)) throw new InstallError(describeFailure(`dpkg-deb -x ${f}`, x), "rm -rf .tools/apt-trixie && npx faraday setup");
    }
    await check(rootArgv(tmp));
    const marker: RootMarker = { suite: SUITE, mirror, debs: files, builtAt: new Date().toISOString() };
    await writeFile(path.join(tmp, MARKER), JSON.stringify(marker, null, 2) + "\n");
    const root = micropythonRoot();
    await rm(root, { recursive: true, force: true });
    await rename(tmp, root);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  // The .debs are only an intermediate; keep the lists (a rebuild can reuse them) but not 10 MB of archives.
  for (const f of files) await rm(path.join(debs, f), { force: true });
}
