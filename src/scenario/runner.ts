import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Lab } from "../lab/lab.ts";
import { LabError, oneLine } from "../lab/errors.ts";
import type { BrokerFactory, Protocol, RunningBroker } from "../brokers/broker.ts";
import { startLink } from "../lab/link.ts";
import { startWireTap } from "../lab/wiretap.ts";
import { Observer, watchObserver } from "../observer/observer.ts";
import type { ClientConfig, DeviceKind, ResolvedClient } from "../devices/device.ts";
import { Timeline } from "../timeline/timeline.ts";
import { at } from "../timeline/event.ts";
import { buildLedger } from "../checks/ledger.ts";
import { judgeTimeline, labBreak } from "../checks/verdict.ts";
import { withEveryRun } from "../checks/index.ts";
import { declaredGap, probeVerdict, reproduceCommand, type RunResult } from "../report/run.ts";
import { writeRunResult } from "../report/results.ts";
import { rootCause } from "../checks/cause.ts";
import { fleetStats } from "../checks/fleet.ts";
import type { CheckContext, ClientSettings, Scenario } from "./dsl.ts";
import { buildContext } from "./context.ts";
import type { Bench } from "./bench.ts";
import { deriveBounds } from "./bounds.ts";
import { ExpectationFailed } from "./expectation.ts";
import { seededRandom } from "../lab/random.ts";
import type { DeviceControl } from "../faults/fault.ts";
import { isDevice, isDeviceUp, isFault, isLab } from "../timeline/is.ts";
import { startFleet } from "./fleet.ts";
import { unixHeapKb, type BoardProfile } from "../boards/profile.ts";
import { PhaseClock, type Phase, type PhaseTimes } from "../lab/phases.ts";

export type { RunResult } from "../report/run.ts";

export interface RunSpec {
  scenario: Scenario;
  client: ResolvedClient;
  device: DeviceKind;
  broker: BrokerFactory;
  protocol: Protocol;
  /** The folder for this run's files. */
  dir: string;
  /** The run's id when it is not its cell's (`<scenario>.<client>.v<protocol>.<broker>`): a repeat's `<cell>.r2`. */
  runId?: string;
  seed: number;
  /** Progress lines for the terminal. */
  progress?: (line: string) => void;
  /** Recorded in the run for reproduction. */
  command?: string;
  /** The toxiproxy-server binary the link runs. */
  toxiproxyBin: string;
  /** `--fleet-size N`: the size of a fleet scenario's fleet (ScenarioContext.fleet), instead of its own. */
  fleetSize?: number;
  /** Who does a guided scenario's steps (default: the lab, unattended). */
  bench?: Bench;
  /** --board: the board the device stands for (its heap, .mpy need, WLAN driver). */
  board?: BoardProfile;
}

/** The feature a protocol version stands for in a capability manifest. */
const PROTOCOL_FEATURE: Record<Protocol, string> = { "3.1.1": "mqtt311", "5": "mqtt5" };

/**
 * Whether a run happens, and what it stands for. A broker that cannot run here or lacks what
 * the scenario needs makes the run `skip` (it says nothing about the client). A client that
 * declares the protocol unsupported makes it `unsupported` without running. A client that
 * declares a needed feature unsupported makes it `unsupported` too — but a compliance
 * scenario still runs as a probe, so the report can show declared gaps that in fact work.
 */
export async function gate(spec: RunSpec): Promise<{ verdict: "skip" | "unsupported"; reason: string } | { probe?: string } > {
  const m = spec.client.manifest;
  const s = spec.scenario;
  const b = spec.broker;
  if (!b.protocols.includes(spec.protocol)) return { verdict: "skip", reason: `broker ${b.kind} does not speak MQTT ${spec.protocol}` };
  for (const f of s.requires ?? []) if (b.lacks?.[f]) return { verdict: "skip", reason: `broker ${b.kind} lacks "${f}": ${b.lacks[f]}` };
  for (const k of Object.keys(s.broker?.settings ?? {}))
    if (!b.settings?.includes(k)) return { verdict: "skip", reason: `broker ${b.kind} cannot be configured with "${k}" here` };
  const why = await b.unavailable?.();
  if (why) return { verdict: "skip", reason: `broker ${b.kind} cannot run here: ${why}` };
  if (!m.protocols.includes(spec.protocol))
    return { verdict: "unsupported", reason: `${m.name} does not support MQTT ${spec.protocol}: ${m.unsupported[PROTOCOL_FEATURE[spec.protocol]] ?? `its manifest lists only ${m.protocols.join(", ")}`}` };
  const declared = declaredGap(s, m);
  if (declared) return s.feature ? { probe: declared } : { verdict: "unsupported", reason: declared };
  return {};
}

/** A broker configured with users refuses anonymous clients: the observer logs in as the first. */
function observerAuth(s: Scenario): { username: string; password: string } | undefined {
  const u = Object.entries(s.broker?.settings?.users ?? {})[0];
  return u ? { username: u[0], password: u[1] } : undefined;
}

/** The TLS listener a run's settings asked for: its port and the CA's PEM text. */
function brokerTls(b: RunningBroker): { port: number; ca: string } {
  if (b.tlsPort === undefined || b.caFile === undefined) throw new LabError(`broker ${b.kind} was asked for tls but opened no TLS listener`);
  return { port: b.tlsPort, ca: readFileSync(b.caFile, "utf8") };
}

/** The client's MQTT settings for a run: the scenario's wishes over the lab's defaults. */
export function clientConfig(settings: ClientSettings, d: { id: string; port: number; protocol: Protocol; downTopic: string; ca?: string; server?: string }): ClientConfig {
  if (settings.tls && d.ca === undefined) throw new LabError("the client asks for TLS but the broker has no TLS listener (its settings must ask for tls)");
  return {
    client_id: settings.client_id ?? d.id,
    server: d.server ?? "127.0.0.1",
    port: d.port,
    keepalive: settings.keepalive ?? 6,
    clean: settings.clean ?? true,
    clean_init: settings.clean_init ?? settings.clean ?? true,
    protocol: d.protocol,
    session_expiry: settings.session_expiry ?? (settings.clean === false ? 3600 : 0),
    response_time: settings.response_time ?? 3,
    subs: settings.subs ?? [[d.downTopic, 1]],
    debug: true,
    ...(settings.user !== undefined ? { user: settings.user } : {}),
    ...(settings.password !== undefined ? { password: settings.password } : {}),
    ...(settings.will ? { will: settings.will } : {}),
    ...(settings.connect_props ? { connect_props: settings.connect_props } : {}),
    ...(settings.reconnect !== undefined ? { reconnect: settings.reconnect } : {}),
    ...(settings.quick ? { quick: true } : {}),
    ...(settings.tls && d.ca !== undefined ? { tls: { ca: d.ca } } : {}),
  };
}

/** An agent's answer that names the bench's trouble, not the client's (docs/agent-protocol.md): the run is the lab's error. */
const BENCH = "bench: ";

/**
 * One run: sandbox, broker, link, observer, device; the scenario drives; teardown; the
 * checkers judge the finished timeline. Whatever happens, the timeline and a results.json
 * are written, and nothing the lab started is left running.
 */
export async function runOne(spec: RunSpec): Promise<RunResult> {
  const s = spec.scenario;
  // A scenario that needs a board (the history suite) names it; --board is for the others.
  const board = s.device?.board ?? spec.board;
  const id = spec.runId ?? `${s.id}.${spec.client.name}.v${spec.protocol}.${spec.broker.kind}`;
  mkdirSync(spec.dir, { recursive: true });
  const startedAt = new Date().toISOString();
  const t0 = Date.now();
  const say = (msg: string) => spec.progress?.(`[${id}] ${msg}`);
  const base = {
    id,
    scenario: s.id,
    title: s.title,
    client: spec.client.name,
    clientRevision: spec.client.revision,
    device: spec.device.kind,
    ...(board ? { board: board.name } : {}),
    protocol: spec.protocol,
    broker: spec.broker.kind,
    brokerDurable: spec.broker.durable,
    seed: spec.seed,
    reproduce: reproduceCommand({
      scenario: s.id,
      client: spec.client.name,
      ...(spec.client.reproducePath ? { clientPath: spec.client.reproducePath } : {}),
      device: spec.device.descriptor ?? spec.device.kind,
      board: s.device?.board ? undefined : spec.board?.name,
      protocol: spec.protocol,
      broker: spec.broker.kind,
      seed: spec.seed,
      ...(spec.fleetSize !== undefined ? { fleetSize: spec.fleetSize } : {}),
      ...(s.manual && !spec.bench ? { unattended: true } : {}),
    }),
    startedAt,
    dir: spec.dir,
    ...(s.feature ? { feature: s.feature } : {}),
  };

  const g = await gate(spec);
  if ("verdict" in g) {
    const r: RunResult = { ...base, verdict: g.verdict, reason: g.reason, durationMs: 0, checks: [] };
    writeRunResult(spec.dir, r);
    return r;
  }
  const probe = g.probe;

  const timeline = new Timeline();
  timeline.writeTo(join(spec.dir, "timeline.jsonl"));
  const lab = new Lab(id, { timeline });
  // Where the time goes: each phase's start on the timeline, the totals after teardown.
  const clock = new PhaseClock(() => timeline.now());
  const phase = (p: Phase) => {
    if (clock.enter(p)) timeline.record("lab", "phase", { phase: p });
  };
  const tag = lab.dir.split("-").pop();
  const topics = { up: `faraday/${tag}/up`, down: `faraday/${tag}/down`, base: `faraday/${tag}` };
  const settings = s.client ?? {};
  const deviceName = "dev1";
  let checkCtx: CheckContext | undefined;
  let phases: PhaseTimes | undefined;
  // Once the lab stops the device, its `down` is the lab's doing, not news about the client.
  let stopping = false;
  const stopLive = timeline.onEvent((e) => {
    if (isLab(e, "device.stopping")) stopping = true;
    if (isFault(e, "start", "end")) say(`${at(e.t)} fault ${String(e.fault)} ${e.kind === "start" ? "injected" : "healed"}`);
    // One line per change of the run's own device; a fleet's others would be a hundred lines a fault.
    if (isDevice(e, "up", "down") && e.device === deviceName && !stopping) say(`${at(e.t)} client ${e.kind}`);
    if (isLab(e, "expectation.failed")) say(`${at(e.t)} expectation failed: ${String(e.what)}`);
  });
  const ticker = setInterval(() => {
    const l = buildLedger(timeline.events);
    const tally = (dir: "up" | "down") => {
      const m = l.filter((x) => x.dir === dir);
      return `${m.length} published, ${m.filter((x) => x.ackedAt !== undefined).length} acknowledged, ${m.filter((x) => x.deliveries.length).length} delivered`;
    };
    say(`${at(timeline.now())} … device→observer ${tally("up")}; observer→device ${tally("down")}`);
  }, 10_000);

  try {
    phase("setup");
    timeline.record("lab", "run.start", { run: id, seed: spec.seed, command: spec.command ?? "", client: spec.client.name, revision: spec.client.revision, ...(spec.client.reproducePath ? { reproducePath: spec.client.reproducePath } : {}), ...(board ? { board: board.name } : {}) });
    if (board) timeline.record("lab", "board", boardFacts(board, s.device));
    // A board on the bench reaches the proxy at the host's address it was given (--host-address).
    const server = spec.device.hostAddress ?? "127.0.0.1";
    // The broker and the proxy server need nothing of each other: both start at once.
    const [broker, link]: [RunningBroker, Awaited<ReturnType<typeof startLink>>] = await Promise.all([spec.broker.start(lab, { protocol: spec.protocol }), startLink(lab, spec.toxiproxyBin, server)]);
    say(`broker ${broker.kind} ready on port ${broker.port}`);
    // A TLS run: the device's proxy leads to the broker's TLS listener; everyone else stays plain.
    const tls = s.broker?.settings?.tls ? brokerTls(broker) : undefined;
    const proxy = await link.proxyFor(deviceName, tls?.port ?? broker.port);
    const observer = await Observer.connect({
      port: broker.port,
      protocol: spec.protocol,
      clientId: `faraday-observer-${lab.dir.split("-").pop()}`,
      timeline,
      // A fleet's devices publish on <up>/<name> (ScenarioContext.fleet).
      subscribe: [topics.up, `${topics.up}/+`],
      auth: observerAuth(s),
    });
    lab.defer("close observer", () => observer.close());
    lab.defer("stop watching the observer", watchObserver(lab));

    // Every run judges what went over the device's own wire (compliance checks, and the
    // client's promises in every run: src/checks/promises.ts): a passive tap in front of the
    // proxy records every MQTT packet both ways, whatever the broker logs.
    // Not over TLS: the tap parses MQTT and sees only ciphertext there, so a TLS run has no
    // wire facts (the run says so in a lab note) and is judged by receipts and the broker.
    if (tls) timeline.record("lab", "note", { text: "no wire tap: the device's connection is TLS, which the tap cannot parse; this run is judged by the receipts, the CONNACKs and the broker's log" });
    // Packet faults (src/faults/packet*.ts) act in the tap's packet stage.
    const tap = !tls ? await startWireTap(lab, { upstreamPort: proxy.listenPort, protocol: spec.protocol }) : undefined;
    const devicePort = tap?.listenPort ?? proxy.listenPort;
    const ca = tls?.ca;
    const cfg: ClientConfig = clientConfig(settings, { id: `faraday-${tag}`.slice(0, 23), port: devicePort, protocol: spec.protocol, downTopic: topics.down, server, ...(ca !== undefined ? { ca } : {}) });
    const bounds = deriveBounds(cfg, spec.client.manifest);
    checkCtx = {
      scenario: s.id,
      protocol: spec.protocol,
      client: cfg,
      manifest: spec.client.manifest,
      bounds,
      broker: { kind: broker.kind, durable: broker.durable },
      topics,
    };
    timeline.record("lab", "context", { ctx: checkCtx });

    const device = await spec.device.launch(lab, { name: deviceName, client: spec.client, ...s.device, ...(board ? { board } : {}) });
    say(`device agent ready: ${String(device.hello?.client)} ${String(device.hello?.version ?? "")} on ${spec.device.kind}`);
    phase("connect");
    // Bounded (twice the connect bound, generous: the scenario holds the client to its own
    // bound after this): a device that never answers (its agent's reader died) must not hang the run.
    const since = timeline.now();
    const startMs = 2 * bounds.connectMs;
    let startTimer: NodeJS.Timeout | undefined;
    const start = await Promise.race([
      device.send("start", { cfg }).ack,
      new Promise<undefined>((r) => (startTimer = setTimeout(r, startMs, undefined))),
    ]).finally(() => clearTimeout(startTimer));
    if (!start) throw new ExpectationFailed("client connects through the proxy (no answer to start)", startMs, since);
    if (!start.ok && start.err?.startsWith(BENCH)) throw new LabError(start.err.slice(BENCH.length));
    if (!start.ok) throw new ExpectationFailed(`client connects through the proxy (it said: ${start.err ?? "failed"})`, bounds.connectMs, 0);

    // A power cycle replaces the device process; everything that talks to the device asks
    // this slot for the current one.
    const slot = { current: device };
    const control: DeviceControl = {
      async wifi(up) {
        const a = await slot.current.send("wifi", { up }).ack;
        if (!a.ok) throw new LabError(`the device did not take the wifi ${up ? "up" : "down"} order: ${a.err ?? "no answer"}`);
      },
      async wlan(set) {
        const a = await slot.current.send("wlan", { set }).ack;
        if (!a.ok) throw new LabError(`the device has no emulated WLAN driver to bend (${a.err ?? "no answer"}): WiFi-stack faults need the unix device`);
      },
      async powerOff(o = {}) {
        timeline.record("lab", "device.power", { on: false, ...(o.byHand ? { byHand: true } : {}) });
        const proc = slot.current.proc;
        if (o.byHand && proc.powerLost) proc.powerLost(BY_HAND);
        else await proc.kill();
      },
      async powerOn(overrides = {}) {
        timeline.record("lab", "device.power", { on: true, ...(Object.keys(overrides).length ? { overrides } : {}) });
        slot.current = await spec.device.launch(lab, { name: deviceName, client: spec.client, ...s.device, ...(board ? { board } : {}) });
        // The client's first connection after a reboot is a first connection again (clean_init).
        // Unawaited (the client's way back is the scenario's to judge), but a start the bench
        // failed (the board's WiFi) breaks the lab, not the client.
        void slot.current
          .send("start", { cfg: { ...cfg, ...overrides } })
          .ack.then((a) => (!a.ok && a.err?.startsWith(BENCH) ? lab.fail(a.err.slice(BENCH.length)) : undefined));
      },
    };
    // Heap readings at comparable quiet points: a second after each (re)connect, for memoryBounded.
    const stopSampling = timeline.onEvent((e) => {
      if (isDeviceUp(e) && e.device === deviceName) {
        const t = setTimeout(() => {
          if (!lab.tornDown && slot.current.running) void slot.current.send("stats");
        }, 1000);
        lab.defer("stop heap sampling", () => clearTimeout(t));
      }
    });
    lab.defer("stop heap sampling", stopSampling);
    if (timeline.last(isDeviceUp)) void slot.current.send("stats");
    const restart = (overrides: Partial<ClientSettings>) => {
      const next = clientConfig({ ...settings, ...overrides }, { id: cfg.client_id, port: devicePort, protocol: spec.protocol, downTopic: topics.down, server, ...(ca !== undefined ? { ca } : {}) });
      return slot.current.send("start", { cfg: next }).ack;
    };
    const random = seededRandom(spec.seed);
    const fleet = (size: number) =>
      startFleet(
        {
          lab, link, kind: spec.device, client: spec.client, deviceSettings: s.device, upstreamPort: tls?.port ?? broker.port, broker, random, topics,
          first: { name: deviceName, link: proxy, control, channel: () => slot.current },
          cfgFor: (name, i, port) => clientConfig(settings, { id: `faraday-${tag}-${i + 1}`.slice(0, 23), port, protocol: spec.protocol, downTopic: `${topics.down}/${name}`, ...(ca !== undefined ? { ca } : {}) }),
          sizeOverride: spec.fleetSize,
          say,
        },
        size,
      );
    const ctx = buildContext({ lab, broker, slot, control, link: proxy, observer, client: cfg, bounds, topics, random, restart, fleet, phases: clock, ...(spec.bench ? { bench: spec.bench } : {}), ...(tap ? { packets: tap.stage } : {}) });
    phase("scenario");
    const limit = s.timeoutMs ?? 180_000;
    let limitTimer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    await Promise.race([
      s.run(ctx),
      new Promise<never>((_, reject) => {
        limitTimer = setTimeout(() => reject(new LabError(`scenario ${s.id} exceeded its own time limit of ${limit} ms`)), limit);
      }),
      // A broken lab (a vital process gone, the observer cut off) or Ctrl-C ends the run at
      // once: no waiting out a bound the client can no longer meet.
      new Promise<never>((_, reject) => {
        onAbort = () => reject(new LabError(lab.broken ?? "interrupted"));
        if (lab.abort.signal.aborted) onAbort();
        else lab.abort.signal.addEventListener("abort", onAbort, { once: true });
      }),
    ]).finally(() => {
      clearTimeout(limitTimer);
      if (onAbort) lab.abort.signal.removeEventListener("abort", onAbort);
    });
    phase("drain");
    await drain(timeline, Math.max(3000, cfg.response_time * 1000), lab.abort.signal, [topics.up, topics.down]);
    if (lab.abort.signal.aborted) throw new LabError(lab.broken ?? "interrupted");
    // The heap's low-water mark over the whole run (the agent's `mem` event carries it).
    if (slot.current.running) await Promise.race([slot.current.send("stats").ack, new Promise((r) => setTimeout(r, 2000))]);
    phase("stop");
    timeline.record("lab", "device.stopping", {});
    await Promise.race([slot.current.send("stop").ack, new Promise((r) => setTimeout(r, 3000))]);
    // The agent leaves by itself once the client has stopped: wait for that, so what the
    // client's own shutdown prints (a task it leaves crashing) is always on the timeline —
    // killing the device the moment it answered made that a race, and the verdict a coin.
    await Promise.race([slot.current.proc.exited, new Promise((r) => setTimeout(r, 2000))]);
    if (lab.abort.signal.aborted) throw new LabError(lab.broken ?? "interrupted");
  } catch (err) {
    if (err instanceof ExpectationFailed && !lab.abort.signal.aborted) {
      timeline.record("lab", "expectation.failed", { what: err.what, withinMs: err.withinMs, since: err.since });
    } else if (lab.broken === undefined) {
      // Recorded once: a break the lab noticed itself (lab.fail) is already on the timeline.
      timeline.record("lab", "error", { msg: lab.abort.signal.aborted ? "interrupted" : oneLine(err) });
    }
    phase("stop");
    timeline.record("lab", "device.stopping", { early: true });
  } finally {
    clearInterval(ticker);
    timeline.record("lab", "scenario.end", {});
    phase("teardown");
    await lab.teardown();
    clock.finish();
    phases = clock.summary();
    timeline.record("lab", "phases", { ...phases });
    stopLive();
    await timeline.close();
  }

  // The same rule as `faraday check`: a saved run re-checks to the verdict it got here.
  // Before the device's start (no context yet) the lab was still setting up: its failure is
  // the lab's alone, and nothing of the client's is there to judge.
  const j = checkCtx ? judgeTimeline(timeline.events, withEveryRun(s.checks(checkCtx), timeline.events), checkCtx) : { verdict: "error" as const, checks: [], labBreak: labBreak(timeline.events) ?? { t: timeline.now(), reason: "the lab stopped before the device started" } };
  const found = j.verdict;
  const verdict = probeVerdict(found, probe);
  writeClientLog(spec.dir, timeline);
  const result: RunResult = {
    ...base,
    verdict,
    ...(j.labBreak ? { reason: j.labBreak.reason, labBreak: j.labBreak } : probe ? { reason: probe } : {}),
    ...(probe ? { declared: probe, probe: found } : {}),
    durationMs: Date.now() - t0,
    ...(phases ? { phases } : {}),
    checks: j.checks,
  };
  const fleet = checkCtx ? fleetStats(timeline.events, checkCtx.bounds.reconnectAfterHealMs) : undefined;
  if (fleet) result.fleet = fleet;
  const cause = rootCause(result, timeline.events);
  if (cause) result.cause = cause;
  writeRunResult(spec.dir, result);
  return result;
}

/** The note on the device's exit when a person switched it off (DeviceControl.powerOff byHand). */
const BY_HAND = "the power went by the person's word (a guided step): the host saw no exit and wrote nothing to the board";

/**
 * Let in-flight messages land before judging: wait until every acknowledged message has been
 * delivered, or `maxMs` passes (then the checkers see what is missing).
 */
async function drain(tl: Timeline, maxMs: number, signal: AbortSignal, watched: string[]): Promise<void> {
  // Only the run's own up/down topics have a witness that records deliveries; a compliance
  // scenario's other topics are judged on what its peers saw, and it waited for them itself.
  const settled = () =>
    buildLedger(tl.events)
      .filter((m) => watched.some((w) => m.topic === w || m.topic.startsWith(`${w}/`)))
      .every((m) => m.qos === 0 || m.ackedAt === undefined || m.deliveries.length > 0);
  const deadline = Date.now() + maxMs;
  while (!settled() && Date.now() < deadline && !signal.aborted) {
    await tl.next((e) => e.kind === "recv" || e.kind === "msg", deadline - Date.now(), signal);
  }
  tl.record("lab", "drained", { complete: settled() });
}

/** The client's own words, in one file a maintainer can read without the timeline. */
function writeClientLog(dir: string, tl: Timeline): void {
  const lines = tl.events
    .filter((e) => isDevice(e, "log", "error", "exit"))
    .map((e) => `${at(e.t).padStart(10)}  ${e.kind === "log" ? String(e.line) : JSON.stringify(e)}`);
  writeFileSync(join(dir, "client.log"), lines.join("\n") + "\n");
}

/** What the board made of the device, for the timeline: the heap and .mpy the scenario did not set itself, its status codes. */
function boardFacts(b: BoardProfile, d: Scenario["device"]): Record<string, unknown> {
  const heapKb = d?.heapKb ?? unixHeapKb(b);
  return { name: b.name, title: b.title, ...(heapKb !== undefined ? { heapKb } : {}), precompiled: Boolean(d?.precompile || b.needsMpy), statuses: { ...b.wlan.constants, ...b.wlan.codes }, ...(d?.wlan ? { wlanAtBoot: d.wlan } : {}) };
}
