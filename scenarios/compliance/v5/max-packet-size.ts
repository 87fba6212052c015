// MQTT 5 Maximum Packet Size, each side's (§3.1.2.11.4, §3.2.2.3.6): one cell per row.
import { delivered } from "../../../src/checks/delivered.ts";
import { notDelivered } from "../../../src/checks/notDelivered.ts";
import { onWire } from "../../../src/checks/onWire.ts";
import { opAnswered } from "../../../src/checks/opAnswered.ts";
import { publishRefused } from "../../../src/checks/publishRefused.ts";
import { staysConnected } from "../../../src/checks/staysConnected.ts";
import type { ScenarioContext } from "../../../src/scenario/dsl.ts";
import { feature } from "../feature.ts";
import { bytes, refusedThenSentinel } from "../steps.ts";

/** The broker's Maximum Packet Size (announced in CONNACK), and a device publish well above it. */
const BROKER_MAX = 512;
const BROKER_BIG = bytes(4 * BROKER_MAX);

// The device publishes BROKER_BIG (refusedThenSentinel). (The wire tap cannot show such a
// PUBLISH: the broker closes on its header, before the rest arrives, so the tap never parses a
// whole packet; the broker's close is the evidence.)
const tooLarge = (ctx: ScenarioContext, downWhat: string) => refusedThenSentinel(ctx, `${ctx.topics.base}/toolarge`, BROKER_BIG, undefined, downWhat);

const broker = feature({
  protocol: "5",
  id: "max-packet-size-broker",
  spec: "3.2.2.3.6",
  claim: "a device publish larger than the broker's Maximum Packet Size is not delivered: the client refuses it, or the broker disconnects it (0x95 Packet too large)",
  requires: ["max-packet-size", "broker-settings"],
  broker: { settings: { maxPacketSize: BROKER_MAX } },
  run: (ctx) => tooLarge(ctx, "client refused or disconnected"),
  checks: ({ topics }) => [
    publishRefused({ topic: `${topics.base}/toolarge`, reasons: [0x95], closeAllowed: true, localRefusal: true, guarantee: "MQTT 5 §3.2.2.3.6 (MQTT-3.2.2-15): the client does not send a packet over the server's limit; if it does, the server closes the connection (§4.13, DISCONNECT 0x95 optional)" }),
    notDelivered({ to: "peer:sub", topic: `${topics.base}/toolarge`, payload: BROKER_BIG }),
    delivered({ to: "peer:sub", topic: `${topics.base}/toolarge`, payload: "sentinel" }),
  ],
});

const outgoing = feature({
  protocol: "5",
  id: "max-packet-size-outgoing",
  spec: "3.2.2.3.6",
  claim: "the client never sends a packet larger than the Maximum Packet Size the broker announced in CONNACK: it refuses such a publish itself and keeps its connection",
  requires: ["max-packet-size", "broker-settings", "max-packet-size-outgoing"],
  broker: { settings: { maxPacketSize: BROKER_MAX } },
  run: (ctx) => tooLarge(ctx, "client answers the publish"),
  checks: ({ topics }) => [
    opAnswered({ op: "publish", topic: `${topics.base}/toolarge`, ok: false, guarantee: `MQTT 5 §3.2.2.3.6 (MQTT-3.2.2-15): the client does not send a packet over the broker's ${BROKER_MAX}-byte Maximum Packet Size; it tells the application the publish failed` }),
    staysConnected({ guarantee: "MQTT 5 §3.2.2.3.6: a client that kept to the limit gave the broker no reason to close its connection (a packet over it is a protocol error, §4.13)" }),
    notDelivered({ to: "peer:sub", topic: `${topics.base}/toolarge`, payload: BROKER_BIG }),
  ],
});

/** Bytes the device accepts per packet, and a message well above it. */
const CLIENT_MAX = 256;
const CLIENT_BIG = bytes(4 * CLIENT_MAX);

const client = feature({
  protocol: "5",
  id: "max-packet-size-client",
  spec: "3.1.2.11.4",
  claim: "the broker never sends a device a packet larger than the Maximum Packet Size the device announced; smaller ones still arrive",
  requires: ["max-packet-size"],
  client: { connect_props: { maximumPacketSize: CLIENT_MAX } },
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const t = `${topics.base}/sized`;
    await device.up({ within: bounds.connectMs });
    await ctx.answered(device.subscribe(t, 1), { within: bounds.connectMs, what: `client subscribes ${t}` });
    const pub = await peer("pub");
    await pub.publish(t, CLIENT_BIG, { qos: 1 });
    // The sentinel, published after: the big one, had it been sent, would be here first.
    await pub.publish(t, "small", { qos: 1 });
    await device.received({ topic: t, payload: "small" }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [
    onWire({ dir: "up", cmd: "connect", where: { props: { maximumPacketSize: CLIENT_MAX } }, what: `CONNECT announces Maximum Packet Size ${CLIENT_MAX}`, name: "announced" }),
    notDelivered({ to: "device", topic: `${topics.base}/sized`, payload: CLIENT_BIG, guarantee: `MQTT 5 §3.1.2.11.4 (MQTT-3.1.2-24/25): the broker discards, never sends, a ${CLIENT_BIG.length}-byte message to a client that allows ${CLIENT_MAX}-byte packets` }),
    delivered({ to: "device", topic: `${topics.base}/sized`, payload: "small" }),
  ],
});

export default [broker, outgoing, client];
