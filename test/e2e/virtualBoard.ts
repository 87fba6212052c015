// Test helpers for the serial path: a virtual board started as a user starts it.
import { faradayAsync, privateTmp, processesUnder } from "./lab.ts";

/** `faraday board virtual [args]`; resolves with its port once it printed it. */
export async function virtualBoard(args: string[] = []) {
  const tmp = privateTmp();
  const b = faradayAsync(["board", "virtual", ...args], tmp);
  const port = await new Promise<string>((resolve, reject) => {
    const look = () => {
      const line = b.out().split("\n")[0];
      if (line && b.out().includes("\n")) resolve(line.trim());
    };
    b.child.stdout.on("data", look);
    void b.done.then((r) => reject(new Error(`faraday board virtual ended before printing its port: ${r.stderr}`)));
  });
  return { ...b, tmp, port };
}

/** Nothing under `dir` is left running, once the reaper (which acts when its pipe closes) has acted. */
export async function nothingLeftUnder(dir: string): Promise<string[]> {
  for (let i = 0; i < 50 && processesUnder(dir).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
  return processesUnder(dir);
}
