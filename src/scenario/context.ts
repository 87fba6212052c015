import { unattendedBench, type Bench } from "./bench.ts";
import type { Lab } from "../lab/lab.ts";
import type { RunningBroker } from "../brokers/broker.ts";
import type { AgentChannel } from "../devices/channel.ts";
import type { ClientConfig } from "../devices/device.ts";
import type { Observer } from "../observer/observer.ts";
import { Nemesis, type DeviceControl } from "../faults/fault.ts";
import type { DeviceLink } from "../lab/link.ts";
import type { Random } from "../lab/random.ts";
import type { PacketStage } from "../lab/packetStage.ts";
import { brokerCrash } from "../faults/brokerCrash.ts";
import { LabError } from "../lab/errors.ts";
import type { Bounds, BrokerHandle, ClientSettings, DeviceHandle, FleetHandle, ObserverHandle, PeerOptions, ScenarioContext, StreamHandle, Topics } from "./dsl.ts";
import type { Ack } from "../devices/channel.ts";
import { awaitReceipt, connectPeer, refusedConnect } from "./peer.ts";
import { runMosquittoPub, startMosquittoSub } from "./mosquittoPeer.ts";
import { ExpectationFailed } from "./expectation.ts";
import { publishStream as untimedStream } from "./stream.ts";
import { subscriptionsSurviveWindowMs } from "../checks/subscriptionsSurvive.ts";
import { answerWithin, seenOrNext } from "./bounded.ts";
import type { TimelineEvent } from "../timeline/event.ts";
import type { PhaseClock } from "../lab/phases.ts";
import { isDevice, isDeviceUp, isFault, isLab } from "../timeline/is.ts";

/** Builds what a scenario drives: thin handles over the lab's real parts. */
export function buildContext(p: {
  lab: Lab;
  broker: RunningBroker;
  /** The device's channel; a power cycle replaces it, so handles always ask the slot. */
  slot: { current: AgentChannel };
  control: DeviceControl;
  link: DeviceLink;
  observer: Observer;
  client: ClientConfig;
  bounds: Bounds;
  topics: Topics;
  random: Random;
  /** Connect the device's client again with changed settings (after a disconnect). */
  restart: (overrides: Partial<ClientSettings>) => Promise<Ack>;
  /** Start the run's fleet (src/scenario/fleet.ts); once per run. */
  fleet?: (size: number) => Promise<FleetHandle>;
  /** The wire tap's packet stage, when the run has a tap. */
  packets?: PacketStage;
  /** The run's phase clock: the scenario's scripted waits and its waits on the client are timed. */
  phases?: PhaseClock;
  /** Who does the steps only a person can do (default: the lab, unattended). */
  bench?: Bench;
}): ScenarioContext {
  const { lab, broker, slot, observer, client, bounds, topics } = p;
  const tl = lab.timeline;
  const signal = lab.abort.signal;
  const nemesis = new Nemesis(lab);
  // Where the scenario's time goes: waits on the client, and its own scripted waits.
  const onClient = <T>(x: Promise<T>): Promise<T> => (p.phases ? p.phases.timed("client", x) : x);
  /** A publish stream whose waits for acknowledgements (and its stop) are waits on the client. */
  const publishStream = (o: Parameters<typeof untimedStream>[0]): StreamHandle => {
    const st = untimedStream(o);
    const acked = st.acked.bind(st);
    const stop = st.stop.bind(st);
    return Object.assign(st, { acked: (n: number, b: Parameters<StreamHandle["acked"]>[1]) => onClient(acked(n, b)), stop: () => onClient(stop()) });
  };
  const device = {
    get name() {
      return slot.current.name;
    },
    send: (op: string, fields: Record<string, unknown> = {}) => slot.current.send(op, fields),
  };

  /** Time the most recent fault started: a fresh `down` must come after it. */
  const lastFaultStart = () => tl.last((e) => isFault(e, "start"))?.t ?? -1;
  /**
   * Start of the earliest fault still in effect (-1 when none is): "up" means the client's
   * latest own signal since then is `up`. With every fault healed that is simply its latest
   * signal — a client may reconnect a moment before the lab sees the broker ready, or before
   * a later, harmless step of a profile began.
   */
  const openSince = () => {
    const open = nemesis.active.filter((a) => !a.healed).map((a) => a.id);
    if (open.length === 0) return -1;
    return tl.events.find((e) => isFault(e, "start") && open.includes(String(e.id)))?.t ?? -1;
  };

  /**
   * The client's own connectivity signals; a device process that died or was powered off
   * says nothing any more, so its exit counts as down (an `up` from before is stale).
   */
  const signalOf = (e: TimelineEvent): "up" | "down" | undefined => {
    if (isDevice(e, "up", "down")) return e.kind;
    if (isDevice(e, "exit") || (isLab(e, "device.power") && e.on === false)) return "down";
    return undefined;
  };

  /**
   * A state, not a first sighting (so not Timeline.seenOrNext): the client's latest signal
   * since `since` says `kind` already, or its own next `kind` comes. An exit or a power-off
   * recorded during the wait does not answer it (it never did).
   */
  const awaitState = async (kind: "up" | "down", within: number, what: string) => {
    const since = kind === "up" ? openSince() : lastFaultStart();
    const seen = tl.last((e) => signalOf(e) !== undefined && e.t > since);
    if (seen && signalOf(seen) === kind) return;
    const started = tl.now();
    const ev = await tl.next((e) => isDevice(e, kind), within, signal);
    if (!ev && !signal.aborted) throw new ExpectationFailed(what, within, started);
  };

  /** An up after the first down (an exit, a power-off) since the latest fault started. */
  const reconnected = async (within: number, what: string | undefined) => {
    const since = lastFaultStart();
    // An up after the first down (an exit, a power-off) since the fault started.
    const back = () => {
      const i = tl.events.findIndex((e) => e.t >= since && signalOf(e) === "down");
      return i >= 0 && tl.events.slice(i + 1).some(isDeviceUp);
    };
    const started = tl.now();
    const ev = await tl.seenOrNext((e) => isDeviceUp(e) && back(), { since: tl.markAt(since), within, signal });
    if (!ev && !signal.aborted) throw new ExpectationFailed(what ?? "client reconnects after the fault", within, started);
  };
  /** The subscription confirmed since the client's latest connection. */
  const subscribed = async (topic: string, within: number, what: string | undefined) => {
    // Confirmed since the client's latest connection (the agent renews it on every up);
    // by order in the timeline, not by time: the two can share a millisecond.
    const isSub = (e: TimelineEvent) => isDevice(e, "subscribed") && e.topic === topic;
    const started = tl.now();
    const ev = await tl.seenOrNext(isSub, { since: tl.events.findLastIndex(isDeviceUp) + 1, within, signal });
    if (!ev && !signal.aborted) throw new ExpectationFailed(what ?? `client confirms its subscription to ${topic}`, within, started);
  };

  const deviceHandle: DeviceHandle = {
    name: device.name,
    up: ({ within, what }) => onClient(awaitState("up", within, what ?? "client reports up")),
    down: ({ within, what }) => onClient(awaitState("down", within, what ?? "client reports down")),
    reconnected: ({ within, what }) => onClient(reconnected(within, what)),
    subscribed: (topic, { within, what }) => onClient(subscribed(topic, within, what)),
    publish: (topic, payload, o = {}) =>
      onClient(device.send("publish", { topic, payload, qos: o.qos ?? 0, retain: o.retain ?? false, props: o.props ?? {} }).ack),
    publishEvery: (topic, { qos, everyMs, bytes }) =>
      publishStream({
        timeline: tl,
        signal,
        everyMs,
        bytes,
        stopGraceMs: client.response_time * 1000,
        publish: async (payload) => (await device.send("publish", { topic, payload, qos, retain: false, props: {} }).ack).ok,
      }),
    subscribe: (topic, qos, o = {}) => onClient(device.send("subscribe", { topic, qos, props: o.props ?? {}, ...(o.options ? { opts: o.options } : {}) }).ack),
    unsubscribe: (topic) => onClient(device.send("unsubscribe", { topic }).ack),
    disconnect: (o = {}) => onClient(device.send("disconnect", { ...(o.reason !== undefined ? { reason: o.reason } : {}), ...(o.props ? { props: o.props } : {}) }).ack),
    start: (overrides = {}) => onClient(p.restart(overrides)),
    powerOff: () => p.control.powerOff(),
    received: (m, { within, what }) =>
      onClient(awaitReceipt(tl, signal, { src: "device", kind: "msg" }, m, within, what ?? `client receives ${m.topic}${m.payload !== undefined ? ` "${m.payload}"` : ""}`)),
    wifi: (up) => device.send("wifi", { up }).ack,
    block: (ms) => device.send("block", { ms }).ack,
    stats: () => device.send("stats").ack,
  };

  const brokerHandle: BrokerHandle = {
    kind: broker.kind,
    durable: broker.durable,
    async crash() {
      await nemesis.inject(brokerCrash(broker));
    },
    async start() {
      const open = nemesis.open("brokerCrash");
      if (!open) throw new LabError("broker.start() without a crash to heal");
      await nemesis.heal(open);
    },
  };

  const wait = (ms: number): Promise<void> => (p.phases ? p.phases.timed("scripted", sleep(ms)) : sleep(ms));
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        signal.removeEventListener("abort", done);
        resolve();
      }
      signal.addEventListener("abort", done, { once: true });
    });

  /** Messages at `everyMs` that outlast subscriptionsSurvive's window after the client's up. */
  const pastResubscribe = (everyMs: number) => Math.ceil(subscriptionsSurviveWindowMs(client) / everyMs);
  const observerHandle: ObserverHandle = {
    async burst(topic, { count, everyMs, label = "after" }) {
      for (let i = 1; i <= count && !signal.aborted; i++) {
        await observer.publish(topic, `${label}=${i}`, 1);
        await wait(everyMs);
      }
    },
    burstPastResubscribe: (topic, { everyMs, label }) => observerHandle.burst(topic, { count: pastResubscribe(everyMs), everyMs, ...(label !== undefined ? { label } : {}) }),
    publish: (topic, payload, o = {}) => observer.publish(topic, payload, o.qos ?? 1, o.retain ?? false),
    publishEvery(topic, { qos, everyMs, bytes }) {
      const stream = publishStream({
        timeline: tl,
        signal,
        everyMs,
        bytes,
        stopGraceMs: 2000,
        publish: (payload) => observer.publish(topic, payload, qos),
      });
      return Object.assign(stream, {
        ackedPastResubscribe: ({ what = "observer keeps publishing to the device" } = {}) =>
          stream.acked(pastResubscribe(everyMs), { within: bounds.reconnectCycleMs + client.response_time * 1000, what }),
      });
    },
  };

  return {
    device: deviceHandle,
    broker: brokerHandle,
    observer: observerHandle,
    topics,
    client,
    bounds,
    protocol: client.protocol,
    targets: { lab, broker, link: p.link, device: p.control, random: p.random, ...(p.packets ? { packets: p.packets } : {}) },
    inject: (fault) => nemesis.inject(fault),
    heal: (active) => nemesis.heal(active),
    random: p.random,
    bench: p.bench ?? unattendedBench,
    async peer(name: string, opts: PeerOptions = {}) {
      const { handle, close } = await connectPeer({ tl, signal, port: broker.port, protocol: client.protocol, name, opts });
      lab.defer(`close peer ${name}`, close);
      return handle;
    },
    refusedPeer: (name: string, opts: PeerOptions = {}) => refusedConnect({ tl, port: broker.port, protocol: client.protocol, name, opts }),
    wait,
    note: (text) => tl.record("lab", "note", { text }),
    activity: (name) => tl.record("lab", "activity", { name }),
    now: () => tl.now(),
    answered: ((op: Promise<Ack>, b: { within: number; what?: string; refusalReturned?: true }) => onClient(answerWithin(tl, op, b))) as ScenarioContext["answered"],
    seen: ((pred: (e: TimelineEvent) => boolean, o: { within: number; what?: string; since?: number }) => onClient(seenOrNext(tl, signal, pred, o))) as ScenarioContext["seen"],
    mark: () => tl.events.length,
    async mosquittoSub(name, topic, opts = {}) {
      const h = await startMosquittoSub({ lab, port: broker.port, protocol: client.protocol, name, topic, opts, withinMs: bounds.deliveryMs });
      lab.defer(`stop mosquitto_sub ${name}`, () => h.stop());
      return h;
    },
    fleet(size) {
      if (!p.fleet) throw new LabError("this run cannot start a fleet");
      const start = p.fleet;
      p.fleet = undefined; // one fleet per run: the device names would clash
      return start(size);
    },
    mosquittoPub: (name, topic, payload, opts = {}) => runMosquittoPub({ lab, port: broker.port, protocol: client.protocol, name, topic, payload, opts, withinMs: bounds.deliveryMs }),
  };
}
