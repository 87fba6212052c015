// Topic names and payloads the encoding must get right, in both protocols. No default export:
// v3/topics.ts and v5/topics.ts take the cells.
import type { Check } from "../../../src/checks/check.ts";
import { delivered } from "../../../src/checks/delivered.ts";
import { deliveredIntact } from "../../../src/checks/deliveredIntact.ts";
import { notDelivered } from "../../../src/checks/notDelivered.ts";
import { opAnswered } from "../../../src/checks/opAnswered.ts";
import { staysConnected } from "../../../src/checks/staysConnected.ts";
import { BOTH, citing, feature, type PerProtocol } from "../feature.ts";
import { subscribeGranted } from "../steps.ts";

/** A topic of exactly `bytes` bytes under the run's prefix. */
const longTopic = (base: string, bytes: number) => `${base}/long/` + "x".repeat(bytes - `${base}/long/`.length);

/**
 * Payload size in bytes: 64 KiB + 64. Past 65 535, so a client that keeps a message length in
 * 16 bits (or reads the payload with one fixed-size read) breaks; a three-byte Remaining Length;
 * and still a size a board with ~100 KB free heap (an ESP32 without PSRAM) can hold once. 256 KB
 * was left out on purpose: on such a board it fails for lack of RAM, which says nothing about
 * the protocol.
 */
const PAYLOAD_BYTES = 65_536 + 64;

/** A payload in which every 16-byte block says where it is, so a cut or a shift shows. */
function payload(tag: string): string {
  let s = "";
  for (let i = 0; s.length < PAYLOAD_BYTES; i += 16) s += `${tag}${i.toString(16).padStart(8, "0")}|`.padEnd(16, ".").slice(0, 16);
  return s.slice(0, PAYLOAD_BYTES);
}

/**
 * A round trip both ways: the device subscribes to `down` and receives a peer's message there,
 * then publishes on `up` (the same topic, but for large-payload) to the peer. `say` words the
 * steps; `exact` waits for the payload itself; `intact` judges byte for byte (deliveredIntact,
 * which shows where a long one was cut).
 */
interface RoundTrip {
  id: string;
  spec: PerProtocol<string>;
  claim: PerProtocol<string>;
  requires?: string[];
  topics(base: string): { down: string; up: string };
  payloads: { toDevice: string; fromDevice: string };
  say: { subscribe: string; receives: string; publishes: string; peerReceives: string };
  exact: boolean;
  intact: boolean;
}

/**
 * A topic past a Remaining Length boundary: its packets (SUBSCRIBE, PUBLISH) need one more
 * byte of Remaining Length, and the topic's own length prefix must be a real 16-bit number. A
 * client that handles only one byte (past 127) or two (past 16 383) breaks here. The 20 000-byte
 * topic stays within the 65 535 bytes a UTF-8 string may have [MQTT-4.7.3-3]; some brokers cap
 * topic length below it: they declare "long-topics" lacking.
 */
const longTopicTrip = (over: number, bytes: number, remaining: string, cites311: string, cites5: string, requires?: string[]): RoundTrip => ({
  id: `topic-over-${over}-bytes`,
  spec: { "3.1.1": "2.2.3", "5": "2.1.4" },
  ...(requires ? { requires } : {}),
  claim: citing(`a ${String(bytes).replace(/\B(?=(\d{3})+$)/g, " ")}-byte topic (${remaining}-byte Remaining Length) round trips between the device and a peer`, cites311, cites5),
  topics: (base) => ({ down: longTopic(base, bytes), up: longTopic(base, bytes) }),
  payloads: { toDevice: "to-device", fromDevice: "from-device" },
  say: { subscribe: "the device subscribes to the long topic", receives: "the device receives on the long topic", publishes: "the device publishes on the long topic", peerReceives: "the peer receives the device's message" },
  exact: true,
  intact: true,
});

const ROUND_TRIPS: RoundTrip[] = [
  longTopicTrip(127, 200, "two", "§2.2.3, §1.5.3", "§2.1.4, §1.5.4"),
  longTopicTrip(16383, 20_000, "three", "§2.2.3, MQTT-4.7.3-3", "§2.1.4, §4.7.3", ["long-topics"]),
  {
    // Topic names are UTF-8 (§4.7.3): "température", "北京", "😀" (a character outside the Basic
    // Multilingual Plane, which UTF-16 based code gets wrong) round trip unchanged, the
    // length prefix counting bytes, not characters.
    id: "utf8-topic",
    spec: { "3.1.1": "1.5.3", "5": "1.5.4" },
    claim: citing("a topic with non-ASCII UTF-8 characters (2, 3 and 4 bytes) round trips unchanged", "§1.5.3, MQTT-1.5.3-1", "§1.5.4, MQTT-1.5.4-1"),
    topics: (base) => ({ down: `${base}/température/北京/😀`, up: `${base}/température/北京/😀` }),
    payloads: { toDevice: "to-device", fromDevice: "from-device" },
    say: { subscribe: "the device subscribes to the UTF-8 topic", receives: "the device receives on the UTF-8 topic", publishes: "the device publishes on the UTF-8 topic", peerReceives: "the peer receives the device's message" },
    exact: true,
    intact: false,
  },
  {
    // A message of 64 KiB + 64 bytes (§3.3.3: the payload is whatever follows the variable
    // header, up to the Remaining Length's limit of 268 435 455 bytes), byte for byte.
    id: "large-payload",
    spec: "3.3.3",
    claim: citing("a 65 600-byte payload round trips intact between the device and a peer", "§3.3.3, §2.2.3", "§3.3.3, §2.1.4"),
    topics: (base) => ({ down: `${base}/blob/down`, up: `${base}/blob/up` }),
    payloads: { toDevice: payload("D"), fromDevice: payload("U") },
    say: { subscribe: "the device subscribes", receives: "the device receives the large message", publishes: "the device publishes a large message", peerReceives: "the peer receives the device's large message" },
    exact: false,
    intact: true,
  },
];

const roundTrips = ROUND_TRIPS.flatMap((r) =>
  feature({
    protocols: BOTH,
    id: r.id,
    spec: r.spec,
    ...(r.requires ? { requires: r.requires } : {}),
    claim: r.claim,
    async run(ctx) {
      const { device, peer, topics, bounds } = ctx;
      const { down, up } = r.topics(topics.base);
      const { toDevice, fromDevice } = r.payloads;
      await device.up({ within: bounds.connectMs });
      await subscribeGranted(ctx, down, 1, r.say.subscribe);
      const other = await peer("other");
      await other.subscribe(up, { qos: 1 });
      await other.publish(down, toDevice, { qos: 1 });
      await device.received({ topic: down, ...(r.exact ? { payload: toDevice } : {}) }, { within: bounds.deliveryMs, what: r.say.receives });
      await ctx.answered(device.publish(up, fromDevice, { qos: 1 }), { within: bounds.deliveryMs, what: r.say.publishes });
      await other.received({ topic: up, ...(r.exact ? { payload: fromDevice } : {}) }, { within: bounds.deliveryMs, what: r.say.peerReceives });
    },
    checks: ({ topics }) => {
      const { down, up } = r.topics(topics.base);
      const arrived = r.intact ? deliveredIntact : delivered;
      return [
        arrived({ name: "toDevice", to: "device", topic: down, payload: r.payloads.toDevice, count: 1 }),
        arrived({ name: "fromDevice", to: "peer:other", topic: up, payload: r.payloads.fromDevice, count: 1 }),
      ] satisfies Check[];
    },
  }),
);

/**
 * A UTF-8 string in MQTT must not contain U+0000, and a receiver that gets one must close the
 * connection [MQTT-1.5.3-2; MQTT 5: MQTT-1.5.4-2]. So the client must not send a topic with
 * U+0000: the application's QoS 1 publish on `<base>/bad<U+0000>topic` has to be refused by the
 * client itself, at once, with its connection intact. A client that puts it on the wire is
 * disconnected by the broker (and may then keep resending it after every reconnect).
 * Afterwards an ordinary publish must still reach a peer subscribed to `<base>/#`, which must
 * never see the bad topic.
 */
const nullChar = feature({
  protocols: BOTH,
  id: "topic-null-char",
  spec: { "3.1.1": "1.5.3", "5": "1.5.4" },
  claim: citing("the client refuses to send a topic containing U+0000 and keeps its connection", "MQTT-1.5.3-2", "MQTT-1.5.4-2"),
  requires: ["topic-validation"],
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    await device.up({ within: bounds.connectMs });
    const watch = await peer("watch");
    await watch.subscribe(`${topics.base}/#`, { qos: 1 });
    // The answer is what is judged (opAnswered): wait for it, but do not stop without one.
    await ctx.answered(device.publish(`${topics.base}/bad\u0000topic`, "must-not-be-sent", { qos: 1 }), { within: bounds.deliveryMs });
    await ctx.answered(device.publish(`${topics.base}/good`, "sentinel", { qos: 1 }), { within: bounds.deliveryMs, what: "the device still publishes afterwards" });
    await watch.received({ topic: `${topics.base}/good`, payload: "sentinel" }, { within: bounds.deliveryMs, what: "the peer receives the sentinel" });
  },
  checks: ({ topics, protocol }) => {
    const rule = protocol === "5" ? "MQTT-1.5.4-2" : "MQTT-1.5.3-2";
    return [
      opAnswered({ op: "publish", topic: `${topics.base}/bad\u0000topic`, ok: false, guarantee: `the client refuses a topic with U+0000 (${rule})` }),
      staysConnected({ guarantee: `the client did not send the malformed topic (the broker would close the connection, ${rule})` }),
      notDelivered({ to: "peer:watch", topic: `${topics.base}/bad`, topicPrefix: true }),
      delivered({ to: "peer:watch", topic: `${topics.base}/good`, payload: "sentinel" }),
    ];
  },
});

export const topics = [...roundTrips, ...nullChar];
