// MQTT 5 PUBLISH properties, both ways: device → subscriber and subscriber → device, each read
// back exactly. One cell per row: the property types of §2.2.2.2 and the properties an
// application sets.
import type { Check } from "../../../src/checks/check.ts";
import { delivered } from "../../../src/checks/delivered.ts";
import { expiryCountsDown } from "../../../src/checks/expiryCountsDown.ts";
import { feature } from "../feature.ts";

type Payload = string | { hex: string };

/**
 * A property round trip: a peer subscribes to `up`, the device to `down`; the device publishes
 * with `props` on `up` and the peer the same on `down`. `payload` is one for both ways, or
 * `{ up, down }`. `judged` replaces what the checks compare (a property the broker changes in
 * transit, with the checks that judge it instead); `cites` opens each check's guarantee.
 */
interface RoundTrip {
  id: string;
  spec: string;
  claim: string;
  requires?: string[];
  payload: Payload | { up: Payload; down: Payload };
  props: Record<string, unknown>;
  cites: string;
  judged?: { props: Record<string, unknown>; extra(dir: "up" | "down", base: string): Check[] };
}

/** 0x01020304 s: four distinct bytes, so a byte-order or width slip shows. */
const EXPIRY_SENT = 0x01020304;

const ROUND_TRIPS: RoundTrip[] = [
  {
    // NUL, 0xFF and bytes that are not UTF-8.
    id: "prop-type-binary",
    spec: "2.2.2.2",
    claim: "a Binary Data property with 00 and FF bytes (Correlation Data) round-trips device ↔ subscriber exactly",
    payload: "binary",
    props: { correlationData: { hex: "00ff7f80fe01" } },
    cites: "MQTT 5 §1.5.6 Binary Data, §3.3.2.3.6",
  },
  {
    // Payload Format Indicator 0 sent explicitly (a one-byte property of value 0), with a binary payload.
    id: "prop-type-byte",
    spec: "2.2.2.2",
    claim: "a Byte property (Payload Format Indicator, explicitly 0, binary payload) round-trips device ↔ subscriber exactly",
    payload: { hex: "00ff80c0" },
    props: { payloadFormatIndicator: false },
    cites: "MQTT 5 §2.2.2.2 Byte, §3.3.2.3.2 (MQTT-3.3.2-4: passed on unaltered)",
  },
  {
    // The broker counts the interval down while it holds the message (§3.3.2.3.3), so the value
    // is judged by expiryCountsDown rather than compared as sent.
    id: "prop-type-four-byte",
    spec: "2.2.2.2",
    claim: "a Four Byte Integer property (Message Expiry Interval 0x01020304) round-trips device ↔ subscriber, counted down only by the seconds it waited",
    requires: ["message-expiry"],
    payload: "four",
    props: { messageExpiryInterval: EXPIRY_SENT },
    cites: "MQTT 5 §2.2.2.2 Four Byte Integer",
    judged: {
      props: {},
      extra: (dir, base) => [expiryCountsDown({ to: dir === "up" ? "peer:peer" : "device", topic: `${base}/${dir}`, payload: "four", sent: EXPIRY_SENT, name: dir === "up" ? "deviceSendsExpiry" : "deviceReceivesExpiry" })],
    },
  },
  {
    // One pair (a client that keeps one User Property still qualifies), non-ASCII on both sides.
    id: "prop-type-string-pair",
    spec: "2.2.2.2",
    claim: "a UTF-8 String Pair property with non-ASCII name and value (User Property) round-trips device ↔ subscriber exactly",
    requires: ["qos1-user-properties"],
    payload: "pair",
    props: { userProperties: { "clé 🔑": "värde ✓ 日本" } },
    cites: "MQTT 5 §1.5.7 UTF-8 String Pair, §3.3.2.3.7",
  },
  {
    // Two-, three- and four-byte UTF-8 sequences (é, 日本語, 🚀).
    id: "prop-type-utf8",
    spec: "2.2.2.2",
    claim: "a UTF-8 Encoded String property with non-ASCII characters (Content Type) round-trips device ↔ subscriber exactly",
    payload: "utf8",
    props: { contentType: "text/plain; charset=utf-8; lang=日本語; note=café 🚀" },
    cites: "MQTT 5 §1.5.4 UTF-8 Encoded String, §3.3.2.3.9",
  },
  {
    id: "content-type",
    spec: "3.3.2.3.9",
    claim: "a Content Type travels device → subscriber and subscriber → device unchanged",
    payload: '{"t":21.5}',
    props: { contentType: "application/json; charset=utf-8" },
    cites: "MQTT 5 §3.3.2.3.9 (MQTT-3.3.2-20): the broker passes the Content Type on unaltered",
  },
  {
    id: "payload-format-indicator",
    spec: "3.3.2.3.2",
    claim: "Payload Format Indicator 1 with a UTF-8 payload travels device → subscriber and subscriber → device unchanged",
    payload: "température 21,5 °C",
    props: { payloadFormatIndicator: true },
    cites: "MQTT 5 §3.3.2.3.2 (MQTT-3.3.2-4): the broker passes the Payload Format Indicator on unaltered",
  },
  {
    // Several pairs and a repeated name (its values in order): MQTT 5 allows both (§3.3.2.3.7).
    id: "user-properties-many",
    spec: "3.3.2.3.7",
    claim: "several User Properties, one name repeated, travel device → subscriber and subscriber → device unchanged and in order",
    requires: ["multiple-user-properties", "qos1-user-properties"],
    payload: { up: "from-device", down: "to-device" },
    props: { userProperties: { site: "north", rack: "7", tag: ["first", "second", "third"] } },
    cites: "MQTT 5 §3.3.2.3.7 (MQTT-3.3.2-17/18): every User Property, repeated names in order",
  },
];

const payloadOf = (p: RoundTrip["payload"], dir: "up" | "down"): Payload => (typeof p === "object" && "up" in p ? p[dir] : p);

export default ROUND_TRIPS.map((r) =>
  feature({
    protocol: "5",
    id: r.id,
    spec: r.spec,
    claim: r.claim,
    ...(r.requires ? { requires: r.requires } : {}),
    async run(ctx) {
      const { device, peer, topics, bounds } = ctx;
      const up = payloadOf(r.payload, "up");
      const down = payloadOf(r.payload, "down");
      await device.up({ within: bounds.connectMs });
      const p = await peer("peer");
      await p.subscribe(`${topics.base}/up`, { qos: 1 });
      await ctx.answered(device.subscribe(`${topics.base}/down`, 1), { within: bounds.connectMs, what: "client subscribes" });
      await device.publish(`${topics.base}/up`, up, { qos: 1, props: r.props });
      await p.publish(`${topics.base}/down`, typeof down === "string" ? down : Buffer.from(down.hex, "hex"), { qos: 1, props: r.props });
      await p.received({ topic: `${topics.base}/up` }, { within: bounds.deliveryMs });
      await device.received({ topic: `${topics.base}/down` }, { within: bounds.deliveryMs });
    },
    checks: ({ topics }) => {
      const props = r.judged?.props ?? r.props;
      const extra = (dir: "up" | "down") => r.judged?.extra(dir, topics.base) ?? [];
      return [
        delivered({ to: "peer:peer", topic: `${topics.base}/up`, payload: payloadOf(r.payload, "up"), props, name: "deviceSends", guarantee: `${r.cites}: the device encodes it, the subscriber reads it back exactly` }),
        ...extra("up"),
        delivered({ to: "device", topic: `${topics.base}/down`, payload: payloadOf(r.payload, "down"), props, name: "deviceReceives", guarantee: `${r.cites}: the device decodes it exactly as the peer sent it` }),
        ...extra("down"),
      ];
    },
  }),
);
