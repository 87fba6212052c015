// Tools that come from the machine's own Debian packages (mosquitto, socat).
// These go into the system, so setup only does it as root; anyone else gets the
// exact sudo command instead of a password prompt in the middle of npm install.
import { describeFailure, executable, isRoot, ok, run, which } from "./exec.ts";
import { probe } from "./probe.ts";
import { InstallError, SETUP_FIX, type Component, type Found, type FindResult, type Log } from "./types.ts";

export interface AptToolSpec {
  /** Executable name, also the name shown to the user. */
  name: string;
  /** Debian package that provides it. */
  pkg: string;
  wanted: string;
  optional: boolean;
  /** Absolute paths to try before PATH (e.g. /usr/sbin, which a non-root PATH lacks). */
  paths: readonly string[];
  versionArgs: readonly string[];
  parseVersion(out: string): string | undefined;
  /** Reject a found version (e.g. a 1.x mosquitto); returns the reason. */
  reject?(version: string): string | undefined;
}

/** Shared by apt-based components: what to tell a user who lacks the package. */
export function aptFix(pkg: string, root: boolean, hasApt: boolean): string {
  if (!hasApt) return `install ${pkg} with your system's package manager (e.g. brew install ${pkg})`;
  return root ? SETUP_FIX : `sudo apt-get install -y ${pkg}`;
}

/** argv for a non-interactive install that waits for a busy dpkg lock instead of failing. */
export function aptInstallArgs(pkg: string): string[] {
  return ["-o", "DPkg::Lock::Timeout=120", "install", "-y", pkg];
}

/** apt's ways of saying "I have no package lists that know this package" — then `apt-get update` helps. */
export function needsAptUpdate(output: string): boolean {
  return /Unable to locate package|has no installation candidate|is not available, but is referred to|Failed to fetch .* 404/i.test(output);
}

export function aptComponent(spec: AptToolSpec): Component {
  const candidates = (): string[] => {
    const c = spec.paths.filter(executable);
    const onPath = which(spec.name);
    if (onPath && !c.includes(onPath)) c.push(onPath);
    return c;
  };

  async function find(): Promise<FindResult> {
    const reasons: string[] = [];
    for (const where of candidates()) {
      const p = await probe([where, ...spec.versionArgs]);
      const version = spec.parseVersion(p.out);
      if (!version) {
        reasons.push(`${where} gave no version (${p.out.trim().split("\n")[0] ?? ""})`);
        continue;
      }
      const bad = spec.reject?.(version);
      if (bad) {
        reasons.push(`${where} is ${version}: ${bad}`);
        continue;
      }
      return { ok: true, where, version, source: spec.paths.includes(where) ? `Debian package ${spec.pkg}` : "PATH" };
    }
    return {
      ok: false,
      why: reasons.length ? reasons.join("; ") : `${spec.name} not found`,
      fix: aptFix(spec.pkg, isRoot(), which("apt-get") !== undefined),
    };
  }

  async function install(log: Log): Promise<Found> {
    const before = await find();
    if (before.ok) return before;
    const aptGet = which("apt-get");
    if (!aptGet || !isRoot()) throw new InstallError(`${spec.name} not installed and setup is not root`, before.fix);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    let r = await run(aptGet, aptInstallArgs(spec.pkg), { env, timeoutMs: 10 * 60_000 });
    // Fresh images often ship without package lists; update only then, it is slow.
    if (!ok(r) && needsAptUpdate(r.stdout + r.stderr)) {
      log(`apt-get update (no package lists for ${spec.pkg})`);
      const u = await run(aptGet, ["-o", "DPkg::Lock::Timeout=120", "update"], { env, timeoutMs: 10 * 60_000 });
      if (!ok(u)) throw new InstallError(describeFailure("apt-get update", u), "sudo apt-get update");
      r = await run(aptGet, aptInstallArgs(spec.pkg), { env, timeoutMs: 10 * 60_000 });
    }
    if (!ok(r)) throw new InstallError(describeFailure(`apt-get install ${spec.pkg}`, r), `sudo apt-get install -y ${spec.pkg}`);
    const after = await find();
    if (!after.ok) throw new InstallError(`apt-get installed ${spec.pkg} but ${after.why}`, `sudo apt-get install -y ${spec.pkg}`);
    return after;
  }

  return { name: spec.name, wanted: spec.wanted, optional: spec.optional, method: `apt-get install ${spec.pkg}`, find, install };
}
