// Shared by the fault e2e tests: one run of a small, test-only scenario through the real
// runner (runOne) with the real toolchain — a real mosquitto, a real Toxiproxy, a real device —
// and the timeline to judge afterwards. Not a test file itself.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { requireTools, type Toolchain } from "../../src/tools/index.ts";
import { mosquitto } from "../../src/brokers/mosquitto.ts";
import type { Protocol } from "../../src/brokers/broker.ts";
import { nodeReference } from "../../src/devices/node.ts";
import { unixPort } from "../../src/devices/unix.ts";
import { resolveClient } from "../../src/devices/clients.ts";
import type { DeviceKind, ResolvedClient } from "../../src/devices/device.ts";
import { runOne, type RunResult } from "../../src/scenario/runner.ts";
import { scenario, type ClientSettings, type ScenarioContext } from "../../src/scenario/dsl.ts";
import { ExpectationFailed } from "../../src/scenario/expectation.ts";
import type { Timeline } from "../../src/timeline/timeline.ts";
import type { TimelineEvent } from "../../src/timeline/event.ts";
import type { BoardProfile } from "../../src/boards/profile.ts";
import { privateTmp, processesUnder, repo } from "./lab.ts";

export type Device = "node" | "unix" | "unix-wlan";

/** Waiting on the timeline from inside a test scenario. */
export interface Probe {
  tl: Timeline;
  /**
   * Until the client's latest own signal is `up` — whenever it came. (DeviceHandle.up() looks
   * only after the last fault started, so after a profile whose client reconnected before the
   * profile's last fault it would wait for a second `up`.)
   */
  isUp(o: { within: number; what: string }): Promise<void>;
  /** Until `n` events like this are on the timeline, counting from the run's start. */
  count(match: (e: TimelineEvent) => boolean, n: number, o: { within: number; what: string }): Promise<void>;
  /** Until the device hears the observer on its down topic: its subscription is in place. */
  subscribed(ctx: ScenarioContext): Promise<void>;
  /**
   * The first event matching, at or after `since` (default: now) — already there or yet to
   * come. Throws ExpectationFailed (so the run fails with `what`) after `within` ms.
   */
  event(match: (e: TimelineEvent) => boolean, o: { within: number; what: string; since?: number }): Promise<TimelineEvent>;
}

export interface FaultRun {
  result: RunResult;
  events: TimelineEvent[];
  /** Why the run did not pass: failed expectations and lab errors, as one line each. */
  failures: string[];
  /** Processes of this run still alive after it returned (must be none). */
  leftover: string[];
  /** Taken synchronously right after the nemesis restored the last open fault at teardown. */
  atTeardown?: { toxics: unknown[]; brokerState: string | undefined };
  /** The client id the device used. */
  clientId: string;
}

let tools: Promise<Toolchain> | undefined;

async function deviceFor(kind: Device, t: Toolchain): Promise<{ device: DeviceKind; client: ResolvedClient }> {
  if (kind === "node") return { device: nodeReference(), client: resolveClient("mqttjs", undefined, () => undefined) };
  const device = unixPort({ micropython: t.micropython.argv });
  const aiomqttc = resolveClient("aiomqttc", undefined, (m) => (t.clients as Record<string, { dir: string; version: string }>)[m]);
  if (kind === "unix") return { device, client: aiomqttc };
  // aiomqttc behind an adapter that also reports the device's own view of its WLAN.
  const pkg = privateTmp();
  symlinkSync(join(aiomqttc.packageDir, "aiomqttc.py"), join(pkg, "aiomqttc.py"));
  copyFileSync(aiomqttc.adapterFile, join(pkg, "aiomqttc_adapter.py"));
  return { device, client: { ...aiomqttc, packageDir: pkg, adapterFile: join(repo, "test", "fixtures", "scenarios", "wlan_watch_adapter.py") } };
}

/** Toxics on a proxy right now, asked synchronously (teardown must not move on meanwhile). */
function toxicsNow(apiUrl: string, proxy: string): unknown[] {
  const r = spawnSync(process.execPath, ["-e", `fetch(${JSON.stringify(`${apiUrl}/proxies/${proxy}/toxics`)}).then(r => r.text()).then(t => process.stdout.write(t), e => { process.stderr.write(String(e)); process.exit(1); })`], {
    encoding: "utf8",
    timeout: 5000,
  });
  if (r.status !== 0) throw new Error(`could not ask toxiproxy for its toxics: ${r.stderr}`);
  return JSON.parse(r.stdout) as unknown[];
}

/** The state letter of a process (R, S, T = stopped…) from /proc, or undefined when it is gone. */
export function procState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
  } catch {
    return undefined;
  }
}

export async function runFault(opts: {
  name: string;
  device?: Device;
  protocol?: Protocol;
  client?: ClientSettings;
  durable?: boolean;
  seed?: number;
  /** The lab's own limit for the scenario, in ms. */
  timeoutMs?: number;
  drive: (ctx: ScenarioContext, probe: Probe) => Promise<void>;
  /** Tear the lab down the way Ctrl-C does, as soon as an event like this is on the timeline. */
  interruptOn?: (e: TimelineEvent) => boolean;
  /** The board the device stands for (--board). */
  board?: BoardProfile;
}): Promise<FaultRun> {
  tools ??= requireTools();
  const t = await tools;
  const { device, client } = await deviceFor(opts.device ?? "node", t);
  const dir = join(privateTmp(), "run");
  let labDir = "";
  let tl: Timeline | undefined;
  let clientId = "";
  let atTeardown: FaultRun["atTeardown"];
  const s = scenario({
    id: `fault-${opts.name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
    title: `fault test: ${opts.name}`,
    client: opts.client ?? {},
    broker: { durable: opts.durable ?? true },
    timeoutMs: opts.timeoutMs ?? 50_000,
    async run(ctx) {
      const lab = ctx.targets.lab;
      labDir = lab.dir;
      tl = lab.timeline;
      clientId = ctx.client.client_id;
      const api = ctx.targets.link.proxy.getHost();
      const proxy = ctx.targets.link.name;
      const brokerPid = () => Number(tl!.last((e) => e.src === "broker" && e.kind === "ready")?.pid);
      lab.timeline.onEvent((e) => {
        if (e.src === "fault" && e.kind === "end" && e.atTeardown) atTeardown = { toxics: toxicsNow(api, proxy), brokerState: procState(brokerPid()) };
        if (opts.interruptOn?.(e)) setImmediate(() => void lab.teardown());
      });
      const probe: Probe = {
        tl: lab.timeline,
        async isUp({ within, what }) {
          const state = (e: TimelineEvent) => e.src === "device" && (e.kind === "up" || e.kind === "down");
          if (lab.timeline.last(state)?.kind === "up") return;
          const started = lab.timeline.now();
          if (!(await lab.timeline.next((e) => e.src === "device" && e.kind === "up", within, lab.abort.signal))) throw new ExpectationFailed(what, within, started);
        },
        async count(match, n, { within, what }) {
          const started = lab.timeline.now();
          const deadline = started + within;
          while (lab.timeline.events.filter(match).length < n) {
            const left = deadline - lab.timeline.now();
            if (left <= 0 || !(await lab.timeline.next(match, left, lab.abort.signal))) throw new ExpectationFailed(what, within, started);
          }
        },
        async subscribed({ observer, topics, bounds }) {
          const deadline = lab.timeline.now() + bounds.connectMs;
          for (let i = 1; lab.timeline.now() < deadline && !lab.abort.signal.aborted; i++) {
            const hello = `subscribed?${i}`;
            const heard = lab.timeline.next((e) => e.src === "device" && e.kind === "msg" && e.payload === hello, 500, lab.abort.signal);
            await observer.publish(topics.down, hello, { qos: 0 });
            if (await heard) return;
          }
          throw new ExpectationFailed("the device's subscription is in place", bounds.connectMs, 0);
        },
        async event(match, { within, what, since }) {
          const started = lab.timeline.now();
          const e = await lab.timeline.seenOrNext(match, { since: lab.timeline.markAt(since ?? started), within, signal: lab.abort.signal });
          if (!e) throw new ExpectationFailed(what, within, started);
          return e;
        },
      };
      await opts.drive(ctx, probe);
    },
    checks: () => [],
  });
  const result = await runOne({
    scenario: s,
    client,
    device,
    broker: mosquitto({ bin: t.mosquitto.path, durable: opts.durable ?? true }),
    protocol: opts.protocol ?? "3.1.1",
    dir,
    seed: opts.seed ?? 1,
    toxiproxyBin: t.toxiproxy.path,
    ...(opts.board ? { board: opts.board } : {}),
  });
  const events = tl?.events ?? [];
  const failures = events
    .filter((e) => e.src === "lab" && (e.kind === "expectation.failed" || e.kind === "error" || e.kind === "teardown.problem"))
    .map((e) => `${e.kind}: ${JSON.stringify(e.what ?? e.msg ?? e.problems)}`);
  const leftover = labDir && existsSync("/proc") ? processesUnder(labDir) : [];
  return { result, events, failures, leftover, atTeardown, clientId };
}

// Small matchers, so tests read as what they look for.
export const isFault = (kind: string) => (e: TimelineEvent) => e.src === "fault" && e.kind === kind;
export const isDevice = (kind: string) => (e: TimelineEvent) => e.src === "device" && e.kind === kind;
export const deviceLog = (re: RegExp) => (e: TimelineEvent) => e.src === "device" && e.kind === "log" && re.test(String(e.line));
export const brokerLog = (re: RegExp) => (e: TimelineEvent) => e.src === "broker" && e.kind === "log" && re.test(String(e.line));
export const observerRecv = (e: TimelineEvent) => e.src === "observer" && e.kind === "recv";

/** Events in [from, to). */
export const within = (events: TimelineEvent[], from: number, to: number) => events.filter((e) => e.t >= from && e.t < to);

/** Time of the nemesis's event for the first fault of a kind: start, injected, healing, end. */
export function faultAt(events: TimelineEvent[], fault: string, phase: "start" | "injected" | "healing" | "end"): number {
  const e = events.find((x) => x.src === "fault" && x.kind === phase && x.fault === fault);
  if (!e) throw new Error(`no fault ${phase} event for ${fault} on the timeline`);
  return e.t;
}

/** Host round trip of each device publish: op → ack, with the time it was sent. */
export function publishRoundTrips(events: TimelineEvent[]): { t: number; ms: number; ok: boolean; payload: string }[] {
  const ops = new Map<number, TimelineEvent>();
  const out: { t: number; ms: number; ok: boolean; payload: string }[] = [];
  for (const e of events) {
    if (e.src !== "device") continue;
    if (e.kind === "op" && e.op === "publish") ops.set(Number(e.id), e);
    if (e.kind === "ack" && e.op === "publish") {
      const op = ops.get(Number(e.id));
      if (op) out.push({ t: op.t, ms: e.t - op.t, ok: e.ok === true, payload: String(op.payload) });
    }
  }
  return out;
}
