// --out: checked before anything runs, created without fs.mkdirSync's recursive walk.
// (Node's recursive mkdir loops for ever on a path whose parent exists but answers ENOENT for
// a new child, as /proc does: `--out /proc/x` used to spin at 100 % CPU.)
import { accessSync, constants, lstatSync, mkdirSync, realpathSync, statSync, type Stats } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { InputError } from "../lab/errors.ts";
import { clip } from "../report/safeText.ts";

/** Folders that hold no files of ours: kernel and device file systems. */
const SPECIAL_DIRS = ["/proc", "/sys", "/dev"];
const specialUnder = (p: string) => SPECIAL_DIRS.find((d) => p === d || p.startsWith(`${d}/`));

const errCode = (err: unknown) => (err as NodeJS.ErrnoException).code ?? "error";

function statOrMissing(p: string, given: string): Stats | undefined {
  try {
    return statSync(p);
  } catch (err) {
    const code = errCode(err);
    if (code === "ENOENT") {
      // A symbolic link to nothing cannot be created through.
      let link = false;
      try {
        link = lstatSync(p).isSymbolicLink();
      } catch {
        /* really missing */
      }
      if (link) throw new InputError(`--out ${given}: ${p} is a broken symbolic link`);
      return undefined;
    }
    if (code === "EACCES") throw new InputError(`--out ${given}: no permission to look into ${dirname(p)}`);
    if (code === "ELOOP") throw new InputError(`--out ${given}: ${p} is a loop of symbolic links`);
    throw new InputError(`--out ${given}: cannot use ${p} (${code})`);
  }
}

/**
 * Check `--out` before any run starts: it must be a writable folder, or creatable as one —
 * not under a file, not under /proc, /sys or /dev. Returns it as an absolute path.
 */
export function checkOutDir(given: string): string {
  const abs = resolve(given);
  const special = specialUnder(abs);
  if (special) throw new InputError(`--out ${given} is under ${special}, which holds no files of ours: choose an ordinary folder`);
  let existing: string = sep;
  for (const part of abs.split(sep).filter(Boolean)) {
    const next = join(existing, part);
    const st = statOrMissing(next, given);
    if (!st) break;
    if (!st.isDirectory()) throw new InputError(`--out ${given}: ${next} is ${st.isFile() ? "a file" : "not a folder"}`);
    existing = next;
  }
  const real = realpathSync(existing);
  const realSpecial = specialUnder(real);
  if (realSpecial) throw new InputError(`--out ${given} leads to ${real}, under ${realSpecial}, which holds no files of ours: choose an ordinary folder`);
  try {
    accessSync(existing, constants.W_OK | constants.X_OK);
  } catch (err) {
    const why = errCode(err) === "EROFS" ? "is on a read-only file system" : "is not writable (no permission)";
    throw new InputError(`--out ${given}: ${existing} ${why}`);
  }
  return abs;
}

/** Create `dir` and its missing parents one by one: each failure is a sentence, never a loop. */
export function makeDirs(dir: string, given: string): void {
  let cur: string = sep;
  for (const part of dir.split(sep).filter(Boolean)) {
    cur = join(cur, part);
    if (statOrMissing(cur, given)) continue;
    try {
      mkdirSync(cur);
    } catch (err) {
      const code = errCode(err);
      if (code === "EEXIST" && statSync(cur).isDirectory()) continue;
      const why = code === "EACCES" || code === "EPERM" ? "no permission" : code === "EROFS" ? "read-only file system" : code === "ENOSPC" ? "no space left" : code;
      throw new InputError(`--out ${given}: cannot create ${cur} (${why})`);
    }
  }
}

/** `parent/name`, refused when the name would lead anywhere else (a "../" in a client's name). */
export function childDir(parent: string, name: string): string {
  const dir = resolve(parent, name);
  const rel = relative(parent, dir);
  if (!rel || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel) || rel.includes(sep))
    throw new InputError(`run folder "${clip(name, 80)}" would not be a folder of its own inside ${parent}`);
  return dir;
}
