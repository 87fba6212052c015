import type { Lab } from "../lab/lab.ts";
import { LabError } from "../lab/errors.ts";
import { lastLines } from "../lab/ready.ts";
import { AgentChannel } from "./channel.ts";
import { isDevice } from "../timeline/is.ts";

/**
 * Start an agent process and wait for its hello. A device that dies before saying hello
 * (a client that crashes at import, a missing module) is a lab error with its last lines.
 */
export async function launchAgent(
  lab: Lab,
  opts: { name: string; cmd: string; args: string[]; env: NodeJS.ProcessEnv; cwd: string; helloWithinMs?: number; quietLog?: boolean | undefined },
): Promise<AgentChannel> {
  let channel: AgentChannel | undefined;
  const early: [string, "stdout" | "stderr"][] = [];
  const proc = lab.spawn({
    name: `device ${opts.name}`,
    cmd: opts.cmd,
    args: opts.args,
    cwd: opts.cwd,
    env: opts.env,
    stdin: true,
    onLine: (line, stream) => (channel ? channel.onLine(line, stream) : early.push([line, stream])),
  });
  channel = new AgentChannel(opts.name, proc, lab.timeline, { quietLog: opts.quietLog === true });
  for (const [line, stream] of early) channel.onLine(line, stream);
  lab.defer(`stop device ${opts.name}`, () => proc.stop(1500));
  const within = opts.helloWithinMs ?? 10_000;
  const hello = await Promise.race([
    lab.timeline.next((e) => isDevice(e, "hello") && e.device === opts.name, within),
    proc.exited.then(() => undefined),
  ]);
  if (channel.hello) return channel;
  if (!hello) {
    await proc.kill();
    const how = proc.exitCode ? `exited (code ${proc.exitCode.code ?? proc.exitCode.signal})` : `said nothing for ${within} ms`;
    throw new LabError(`device ${opts.name} ${how} before its agent said hello; last output: ${lastLines(proc, 4)}`);
  }
  return channel;
}
