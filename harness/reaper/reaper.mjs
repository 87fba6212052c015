// The reaper: faraday's watchdog (the idea of testcontainers' Ryuk). Plain JS, no tsx, so it
// starts in a few tens of milliseconds. faraday starts it once per `faraday run`, in its own
// session, and writes registrations to its stdin, one per line:
//
//   pgid <n> <start>   a process group faraday started (<start>: its leader's start time,
//                      /proc/<n>/stat field 22, or "?")
//   forget <n>         that group's leader exited; its number may be reused
//   dir <path>         a sandbox folder faraday made
//   undir <path>       that sandbox was torn down
//
// End of input means faraday is gone, however it ended (SIGKILL included): every group still
// registered gets SIGKILL, every folder still registered is removed, and the reaper exits.
import { readFileSync, rmSync } from "node:fs";
import { basename } from "node:path";

const groups = new Map();
const dirs = new Set();

function handle(line) {
  const sp = line.indexOf(" ");
  if (sp < 0) return;
  const verb = line.slice(0, sp);
  const arg = line.slice(sp + 1);
  if (verb === "pgid") {
    const [n, start] = arg.split(" ");
    const pgid = Number(n);
    if (Number.isInteger(pgid) && pgid > 1) groups.set(pgid, start ?? "?");
  } else if (verb === "forget") groups.delete(Number(arg));
  else if (verb === "dir") dirs.add(arg);
  else if (verb === "undir") dirs.delete(arg);
}

/** /proc/<pid>/stat field 22, or undefined when there is no such process. */
function startOf(pid) {
  try {
    const t = readFileSync(`/proc/${pid}/stat`, "utf8");
    return t.slice(t.lastIndexOf(")") + 2).trim().split(/\s+/)[19];
  } catch {
    return undefined;
  }
}

let reaped = false;
function reap() {
  if (reaped) return;
  reaped = true;
  for (const [pgid, start] of groups) {
    // A leader that runs with another start time is a stranger who got the number: spare it.
    // A leader gone while its group lives: the number cannot have been reused, the group is ours.
    const now = startOf(pgid);
    if (now !== undefined && start !== "?" && now !== start) continue;
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      /* the group is gone already */
    }
  }
  for (const d of dirs) {
    if (!basename(d).startsWith("faraday-")) continue;
    try {
      rmSync(d, { recursive: true, force: true });
    } catch {
      /* nothing more to do */
    }
  }
  process.exit(0);
}

let buf = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  buf += chunk;
  for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
    handle(buf.slice(0, i));
    buf = buf.slice(i + 1);
  }
});
process.stdin.on("end", reap);
process.stdin.on("close", reap);
process.stdin.on("error", reap);
