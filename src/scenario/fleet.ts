import { setMaxListeners } from "node:events";
import { readFileSync } from "node:fs";
import type { Lab } from "../lab/lab.ts";
import type { DeviceLink, Link } from "../lab/link.ts";
import type { RunningBroker } from "../brokers/broker.ts";
import type { AgentChannel } from "../devices/channel.ts";
import type { ClientConfig, DeviceKind, DeviceSettings, ResolvedClient } from "../devices/device.ts";
import type { DeviceControl, FaultTargets, FleetMemberTargets } from "../faults/fault.ts";
import type { Random } from "../lab/random.ts";
import { LabError } from "../lab/errors.ts";
import type { TimelineEvent } from "../timeline/event.ts";
import { isDevice, isFault, isLab } from "../timeline/is.ts";
import type { FleetHandle, StreamHandle, StreamOptions, Topics } from "./dsl.ts";
import { ExpectationFailed } from "./expectation.ts";
import { publishStream } from "./stream.ts";

/** What the runner hands the fleet: the lab's parts and the run's own device, member 0. */
export interface FleetDeps {
  lab: Lab;
  link: Link;
  kind: DeviceKind;
  client: ResolvedClient;
  deviceSettings?: DeviceSettings | undefined;
  /** The broker port every proxy leads to (its TLS listener in a TLS run). */
  upstreamPort: number;
  broker: RunningBroker;
  random: Random;
  topics: Topics;
  first: { name: string; link: DeviceLink; control: DeviceControl; channel: () => AgentChannel };
  /** The client configuration of a further device, connecting to its proxy's `port`. */
  cfgFor: (name: string, index: number, port: number) => ClientConfig;
  /** `faraday run --fleet-size N`: replaces the size the scenario asks for. */
  sizeOverride?: number | undefined;
  say?: (line: string) => void;
}

interface Member extends FleetMemberTargets {
  channel: () => AgentChannel;
}

/** The largest fleet the lab starts: each device is a process, a proxy and a few sockets. */
export const MAX_FLEET = 500;

/** A device's own connectivity signal in an event, if it is one: an exit or a power-off counts as down. */
function signalOf(e: TimelineEvent): { device: string; s: "up" | "down" } | undefined {
  if (isDevice(e, "up", "down")) return { device: e.device, s: e.kind };
  if (isDevice(e, "exit")) return { device: e.device, s: "down" };
  return undefined;
}

/** Resident set and CPU time (user + system) of a process, from /proc; undefined when unreadable. */
export function procStats(pid: number | undefined): { rssKb: number; cpuMs: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const rss = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    // Fields after the command (which may hold spaces, in parentheses): utime and stime are 14 and 15.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(f[11]) + Number(f[12]);
    return { rssKb: rss ? Number(rss[1]) : 0, cpuMs: Math.round((ticks * 1000) / 100) };
  } catch {
    return undefined;
  }
}

/**
 * Start a fleet: proxies for the devices beyond the first, then every agent at once (a real
 * AP's devices are powered on together: no stagger), then every client at once.
 */
export async function startFleet(d: FleetDeps, asked: number): Promise<FleetHandle> {
  const size = d.sizeOverride ?? asked;
  if (!Number.isInteger(size) || size < 1 || size > MAX_FLEET) throw new LabError(`a fleet holds 1 to ${MAX_FLEET} devices, not ${size}`);
  const { lab } = d;
  const tl = lab.timeline;
  const signal = lab.abort.signal;
  const names = Array.from({ length: size }, (_, i) => (i === 0 ? d.first.name : `dev${i + 1}`));
  // Every device's stream and waits listen for the run's end: a few listeners per device.
  setMaxListeners(20 + 4 * size, signal);
  tl.record("lab", "fleet.start", { size, names, stagger: 0 });
  d.say?.(`fleet of ${size} devices powering on together`);

  const members: Member[] = [{ name: d.first.name, link: d.first.link, device: d.first.control, channel: d.first.channel }];
  // Proxies one by one (each takes a fresh port); then the devices, all at once.
  const links: DeviceLink[] = [];
  for (const name of names.slice(1)) links.push(await d.link.proxyFor(name, d.upstreamPort));
  // Only the run's own device keeps the client's whole output on the timeline: a hundred
  // chatty clients (aiomqttc logs every 50 ms while its wire is silent) would swamp the host.
  const launch = (name: string) => d.kind.launch(lab, { name, client: d.client, ...d.deviceSettings, quietLog: true });
  const t0 = tl.now();
  const channels = await Promise.all(names.slice(1).map(launch));
  const helloMs = tl.now() - t0;
  const cfgs = new Map<string, ClientConfig>();
  for (const [k, name] of names.slice(1).entries()) {
    const slot = { current: channels[k]! };
    const cfg = { ...d.cfgFor(name, k + 1, links[k]!.listenPort), debug: false };
    cfgs.set(name, cfg);
    const control: DeviceControl = {
      async wifi(up) {
        const a = await slot.current.send("wifi", { up }).ack;
        if (!a.ok) throw new LabError(`${name} did not take the wifi ${up ? "up" : "down"} order: ${a.err ?? "no answer"}`);
      },
      async wlan(set) {
        const a = await slot.current.send("wlan", { set }).ack;
        if (!a.ok) throw new LabError(`${name} did not take the wlan order: ${a.err ?? "no answer"}`);
      },
      async powerOff() {
        tl.record("lab", "device.power", { device: name, on: false });
        await slot.current.proc.kill();
      },
      async powerOn(overrides = {}) {
        tl.record("lab", "device.power", { device: name, on: true });
        slot.current = await launch(name);
        void slot.current.send("start", { cfg: { ...cfg, ...overrides } });
      },
    };
    members.push({ name, link: links[k]!, device: control, channel: () => slot.current });
  }
  tl.record("lab", "fleet.launched", { size, helloMs: Math.round(helloMs) });
  let stopping = false;
  // Every client told to start together; their connects are what fleet.up() waits on. A first
  // connection that fails is the application's to retry (mqtt_as's README: on the first
  // connect the caller handles the error), as firmware does at boot: after the client's own
  // reconnect pause, until the run ends. Each retry is a lab note.
  const pauseMs = (d.client.manifest.timing?.reconnectDelay ?? 1) * 1000;
  const boot = async (m: Member) => {
    for (;;) {
      const a = await m.channel().send("start", { cfg: cfgs.get(m.name) }).ack;
      if (a.ok || stopping || signal.aborted || !m.channel().running) return;
      tl.record("lab", "note", { text: `${m.name}: its first connection failed (${a.err ?? "no reason"}); the application tries again in ${pauseMs} ms, as firmware does at boot` });
      await new Promise((r) => setTimeout(r, pauseMs));
      if (stopping || signal.aborted) return;
    }
  };
  for (const m of members.slice(1)) void boot(m);
  // Once the run stops its own device, the others are stopped too (all at once, not one by one at teardown).
  const stopAll = tl.onEvent((e) => {
    if (!isLab(e, "device.stopping")) return;
    stopping = true;
    for (const m of members.slice(1)) void m.channel().send("stop");
  });
  lab.defer("stop the fleet", async () => {
    stopAll();
    // Each was told to stop: 1.5 s to end by itself, then the power goes.
    await Promise.allSettled(
      members.slice(1).map(async (m) => {
        const proc = m.channel().proc;
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([proc.exited, new Promise((r) => (timer = setTimeout(r, 1500)))]).finally(() => clearTimeout(timer));
        if (proc.running) await proc.kill();
      }),
    );
  });

  const pick = (only?: number[]) => (only ?? members.map((_, i) => i)).map((i) => {
    const m = members[i];
    if (!m) throw new LabError(`the fleet has no device ${i} (it has ${size})`);
    return m.name;
  });

  /** Wait until `done(name)` holds for every device named, re-testing on each device signal. */
  const allOf = async (who: string[], done: (name: string) => boolean, within: number, what: string) => {
    const started = tl.now();
    const deadline = Date.now() + within;
    let pending = who.filter((n) => !done(n));
    while (pending.length && !signal.aborted) {
      const left = deadline - Date.now();
      const set = new Set(pending);
      const ev = left > 0 ? await tl.next((e) => set.has(signalOf(e)?.device ?? ""), left, signal) : undefined;
      pending = pending.filter((n) => !done(n));
      if (!ev && pending.length && !signal.aborted) {
        throw new ExpectationFailed(`${what}: ${pending.length} of ${who.length} not (${pending.slice(0, 8).join(", ")}${pending.length > 8 ? ", …" : ""})`, within, started);
      }
    }
  };
  const latest = (name: string, since = -1): "up" | "down" | undefined => {
    for (let i = tl.events.length - 1; i >= 0 && tl.events[i]!.t > since; i--) {
      const s = signalOf(tl.events[i]!);
      if (s?.device === name) return s.s;
    }
    return undefined;
  };
  // Down since the fault began (or still down from before it: a flapping AP), then up.
  const backSince = (name: string, since: number) => {
    let down = false;
    for (const e of tl.events) {
      const s = signalOf(e);
      if (s?.device !== name) continue;
      if (e.t < since) down = s.s === "down";
      else if (s.s === "down") down = true;
      else if (down) return true;
    }
    return false;
  };

  const targetsOf = (m: Member): FaultTargets => ({ lab, broker: d.broker, link: m.link, device: m.device, random: d.random });
  const all: FaultTargets = { ...targetsOf(members[0]!), fleet: members.map(({ name, link, device }) => ({ name, link, device })) };

  return {
    size,
    names,
    upTopic: (name) => `${d.topics.up}/${name}`,
    up: ({ within, what, only }) => allOf(pick(only), (n) => latest(n) === "up", within, what ?? "every device of the fleet reports up"),
    reconnected({ within, what, only }) {
      const since = tl.last((e) => isFault(e, "start"))?.t ?? 0;
      return allOf(pick(only), (n) => backSince(n, since), within, what ?? "every device of the fleet reconnects after the fault");
    },
    targets(i) {
      const m = members[i];
      if (!m) throw new LabError(`the fleet has no device ${i} (it has ${size})`);
      return targetsOf(m);
    },
    all,
    publishEvery(o: StreamOptions): StreamHandle {
      const streams = members.map((m) =>
        publishStream({
          timeline: tl,
          signal,
          everyMs: o.everyMs,
          ...(o.bytes !== undefined ? { bytes: o.bytes } : {}),
          stopGraceMs: 3000,
          publish: async (payload) => (await m.channel().send("publish", { topic: `${d.topics.up}/${m.name}`, payload, qos: o.qos, retain: false, props: {} }).ack).ok,
        }),
      );
      return {
        get sent() {
          return streams.reduce((a, s) => a + s.sent, 0);
        },
        get ackedCount() {
          return streams.reduce((a, s) => a + s.ackedCount, 0);
        },
        acked: async (n, b) => {
          await Promise.all(streams.map((s, i) => s.acked(n, { within: b.within, what: `${members[i]!.name}: ${b.what ?? `${n} more publishes acknowledged`}` })));
        },
        stop: async () => {
          await Promise.all(streams.map((s) => s.stop()));
        },
      };
    },
    sample(label) {
      const stats = members.map((m) => procStats(m.channel().proc.pid));
      tl.record("lab", "fleet.sample", { label, rssKb: stats.map((s) => s?.rssKb ?? null), cpuMs: stats.map((s) => s?.cpuMs ?? null) });
    },
  };
}
