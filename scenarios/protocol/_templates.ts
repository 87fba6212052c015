import { scenario, type Scenario, type ScenarioContext } from "../../src/scenario/dsl.ts";
import type { Ack } from "../../src/devices/channel.ts";
import { connects } from "../resilience/_templates.ts";
import { packetDrop } from "../../src/faults/packetDrop.ts";
import { isDevice, isDeviceDown, isFault } from "../../src/timeline/is.ts";

/*
 * The outline of the protocol suite: one MQTT packet goes missing, late or twice while the
 * connection itself is fine (src/faults/packet*.ts, acting in the wire tap's packet stage).
 * The scenarios judge what the application sees — its operation answered, its message
 * delivered, its subscription working, the client back within its bound. How the client
 * behaves on the wire meanwhile (its resends, their DUP flag and timing, its PINGREQs) is
 * held to its documented promises by the checkers that run in every tapped run.
 *
 * keepalive 4 s and response_time 3 s keep runs short (detection bound 1.5 × 4 + 2 = 8 s)
 * while one PUBACK/SUBACK wait still fits a loaded 2-core machine.
 */
export const PROTOCOL_CLIENT = { clean: true, keepalive: 4, response_time: 3 } as const;

/**
 * How many times a client resends an unacknowledged packet in one connection before it gives
 * that connection up — mqtt_as's documented default `max_repubs` (its README §4.2), the longest
 * of the clients here (aiomqttc gives up after one 5 s wait, its `_ack_timeout_sec`). Used
 * only for how long a scenario waits, never as a judged bound.
 */
const RESENDS_AT_MOST = 4;

/**
 * How long a scenario waits for the client to give up on an acknowledgement that never comes:
 * its first wait and every resend's (one response time each, at least aiomqttc's fixed 5 s),
 * then one reconnect after the heal. `resends`: how many a client may make (default: for a
 * PUBLISH; no client here resends a SUBSCRIBE or UNSUBSCRIBE in one connection: 0).
 */
export function givesUpWithinMs({ client, bounds }: ScenarioContext, resends = RESENDS_AT_MOST): number {
  return (resends + 1) * Math.max(client.response_time, 5) * 1000 + bounds.reconnectAfterHealMs;
}

/**
 * Until the fault has touched a packet (`what`: dropped, held…), for at most one delivery: a
 * client may answer its application before the packet the fault waits for is on the wire
 * (aiomqttc answers an unsubscribe before it sends it), and a heal before that would let it pass.
 */
export async function touched(ctx: ScenarioContext, what: string): Promise<void> {
  await ctx.seen((e) => isFault(e, "packet") && e.what === what, { within: ctx.bounds.deliveryMs });
}

/** The answer to `op`, or the client's own down, whichever comes first (none within `within`: undefined). */
export async function answerOrDown(ctx: ScenarioContext, op: Promise<Ack>, within: number): Promise<void> {
  const since = ctx.mark();
  const last = ctx.now();
  await Promise.race([
    ctx.answered(op, { within }),
    ctx.seen((e) => isDeviceDown(e) || (isDevice(e, "exit") && e.t >= last), { within, since }),
  ]);
}

export interface ProtocolSpec {
  id: string;
  title: string;
  faults: string[];
  /** Features a client must have for the scenario to mean something (else `unsupported`). */
  requires?: string[];
  client?: Scenario["client"];
  /** The run once the client is connected and has subscribed to the run's down topic. */
  run(ctx: ScenarioContext): Promise<void>;
  checks: Scenario["checks"];
}

/** A protocol scenario: the client connects and subscribes, then the scenario's own steps. */
export function protocolScenario(spec: ProtocolSpec): Scenario {
  return scenario({
    id: spec.id,
    title: spec.title,
    faults: spec.faults,
    ...(spec.requires ? { requires: spec.requires } : {}),
    client: { ...PROTOCOL_CLIENT, ...spec.client },
    async run(ctx) {
      await connects(ctx);
      // What the application sees of its subscription, whatever the client said (aiomqttc says
      // "subscribed" before any SUBACK: docs/findings.md 7): the observer's messages arrive.
      await untilReceived(ctx, ctx.topics.down, "hello", "the client's subscription delivers");
      await spec.run(ctx);
    },
    checks: spec.checks,
  });
}

/**
 * The observer publishes `label=N` to `topic` every 500 ms until the device receives one, for
 * at most one reconnect cycle and one delivery (a client that subscribes again after a
 * reconnect may still be on its way): what an application sees of a subscription.
 */
export async function untilReceived(ctx: ScenarioContext, topic: string, label: string, what: string): Promise<void> {
  const { observer, device, bounds } = ctx;
  const within = bounds.reconnectCycleMs + bounds.deliveryMs;
  let stop = false;
  const got = device.received({ topic }, { within, what }).finally(() => (stop = true));
  for (let i = 1; !stop; i++) {
    await observer.publish(topic, `${label}=${i}`, { qos: 1 });
    await Promise.race([got.catch(() => undefined), ctx.wait(500)]);
  }
  await got;
}

/**
 * The client gives its connection up by its own keepalive: every PINGRESP is dropped until it
 * reports down (within its detection bound), then they flow again. A reconnect caused from
 * inside MQTT, with no peer closing the socket (a reset would also exercise how the client
 * takes a closed socket, which other scenarios judge).
 */
export async function keepaliveDrop(ctx: ScenarioContext, what: string): Promise<void> {
  const silent = await ctx.inject(packetDrop(ctx.targets, { packet: "pingresp", direction: "down", count: "all" }));
  await ctx.device.down({ within: ctx.bounds.outageDetectionMs, what });
  await ctx.heal(silent);
}
