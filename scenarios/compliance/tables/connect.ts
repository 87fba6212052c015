// Connecting: CONNECT and CONNACK, client ids, credentials and keepalive (§3.1, §3.2) — what both
// protocols keep, what MQTT 3.1.1 alone says, and MQTT 5's own. No default export:
// v3/connect.ts and v5/connect.ts take the cells.
import { connackHas } from "../../../src/checks/connackHas.ts";
import { connackReceived } from "../../../src/checks/connackReceived.ts";
import { connectNotSent } from "../../../src/checks/connectNotSent.ts";
import { delivered } from "../../../src/checks/delivered.ts";
import { keepsConnectionAlive } from "../../../src/checks/keepsConnectionAlive.ts";
import { onWire } from "../../../src/checks/onWire.ts";
import { opAnswered } from "../../../src/checks/opAnswered.ts";
import { peerRefused } from "../../../src/checks/peerRefused.ts";
import { staysConnected } from "../../../src/checks/staysConnected.ts";
import { BOTH, citing, feature } from "../feature.ts";
import { BROKER_KEEPALIVE_FACTOR, subscribeGranted } from "../steps.ts";

/**
 * The simplest connection: a fresh client id, a new session. The broker accepts it (CONNACK
 * return code 0; MQTT 5: reason code 0x00) and, the session being new, says Session Present 0
 * [MQTT-3.2.2-1]. The connection is then proven usable end to end: a QoS 1 publish of the
 * device reaches a peer.
 */
const connectAccepted = feature({
  protocols: BOTH,
  id: "connect-accepted",
  spec: { "3.1.1": "3.2.2.3", "5": "3.2.2.2" },
  claim: {
    "3.1.1": "a CONNECT with Clean Session 1 is accepted with return code 0 and Session Present 0 (MQTT-3.2.2-1)",
    "5": "a CONNECT with Clean Start 1 is accepted with reason code 0x00 (Success) and Session Present 0",
  },
  client: { clean: true },
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    await device.up({ within: bounds.connectMs });
    const sub = await peer("sub");
    await sub.subscribe(`${topics.base}/hello`, { qos: 1 });
    await ctx.answered(device.publish(`${topics.base}/hello`, "connected", { qos: 1 }), { within: bounds.deliveryMs, what: "the device publishes on its new connection" });
    await sub.received({ topic: `${topics.base}/hello` }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [
    connackReceived({ nth: 1, sessionPresent: false, reason: 0 }),
    delivered({ to: "peer:sub", topic: `${topics.base}/hello`, payload: "connected", qos: 1 }),
  ],
});

/**
 * A zero-byte client id with a new session is allowed: the broker assigns the client a
 * unique id and treats the connection as if it had sent it [MQTT-3.1.3-6]. The device connects
 * with client id "" (the broker's CONNACK cannot be matched to an id the lab does not know, so
 * the proof is that the connection works both ways): it subscribes and receives a peer's
 * message, and publishes to the peer. (MQTT 5's Assigned Client Identifier is assigned-client-id.)
 */
const clientIdEmptyClean = feature({
  protocols: BOTH,
  id: "client-id-empty-clean",
  spec: "3.1.3.1",
  claim: {
    "3.1.1": "a zero-byte client id with Clean Session 1 is accepted and the connection works (MQTT-3.1.3-6)",
    "5": "a zero-byte client id with Clean Start 1 is accepted and the connection works",
  },
  client: { client_id: "", clean: true },
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    await device.up({ within: bounds.connectMs });
    await subscribeGranted(ctx, `${topics.base}/to-device`, 1, "the device subscribes");
    const other = await peer("other");
    await other.subscribe(`${topics.base}/from-device`, { qos: 1 });
    await other.publish(`${topics.base}/to-device`, "hello-anonymous", { qos: 1 });
    await device.received({ topic: `${topics.base}/to-device` }, { within: bounds.deliveryMs, what: "the device receives" });
    await ctx.answered(device.publish(`${topics.base}/from-device`, "from-anonymous", { qos: 1 }), { within: bounds.deliveryMs, what: "the device publishes" });
    await other.received({ topic: `${topics.base}/from-device` }, { within: bounds.deliveryMs, what: "the peer receives" });
  },
  checks: ({ topics }) => [
    delivered({ name: "toDevice", to: "device", topic: `${topics.base}/to-device`, payload: "hello-anonymous" }),
    delivered({ name: "fromDevice", to: "peer:other", topic: `${topics.base}/from-device`, payload: "from-anonymous" }),
  ],
});

/**
 * MQTT 3.1.1 alone: a zero-byte client id with Clean Session 0 is never a connection (MQTT 5
 * lets a broker accept it). The client MUST NOT send it [MQTT-3.1.3-7]; a broker that gets it
 * anyway answers return code 2, identifier rejected, and closes the connection [MQTT-3.1.3-8].
 * Two checks, so the report tells them apart: the application's connect fails (either way),
 * and the CONNECT never reached the broker (the client's own duty — a client that leaves the
 * refusal to the broker fails this one, with the broker's return code 2 as evidence). The
 * device connects normally first (the lab's first connection), disconnects, and asks to
 * connect with client id "" and Clean Session 0.
 */
const clientIdEmptyPersistent = feature({
  protocol: "3.1.1",
  id: "client-id-empty-persistent",
  spec: "3.1.3.1",
  claim: "the client does not send a zero-byte client id with Clean Session 0, and the connect fails (MQTT-3.1.3-7; broker fallback MQTT-3.1.3-8)",
  async run(ctx) {
    const { device, bounds } = ctx;
    await device.up({ within: bounds.connectMs });
    await ctx.answered(device.disconnect(), { within: bounds.deliveryMs, what: "the device disconnects" });
    // The answer is what is judged (opAnswered): wait for it, but do not stop without one.
    await ctx.answered(device.start({ client_id: "", clean: false, clean_init: false }), { within: bounds.connectMs });
  },
  checks: () => [
    opAnswered({ name: "connectFails", op: "start", ok: false, guarantee: "a connect with a zero-byte client id and Clean Session 0 fails (MQTT-3.1.3-7, MQTT-3.1.3-8)" }),
    connectNotSent({ name: "clientRefusesItself", guarantee: "the client does not send a zero-byte client id with Clean Session 0 (MQTT-3.1.3-7)" }),
  ],
});

const USERS = { alice: "secret" };

/**
 * User name and password (MQTT 3.1.1 §3.1.3.4, §3.1.3.5, flags §3.1.2.8/9 [MQTT-3.1.2-19,
 * MQTT-3.1.2-21]; MQTT 5 §3.1.3.5, §3.1.3.6): the broker admits only alice/secret. The device
 * connects with them and is accepted (code 0) and its publish reaches an authenticated peer; a
 * peer with a wrong password and an anonymous peer are refused — MQTT 3.1.1 return code 4 (bad
 * user name or password) or 5 (not authorized), §3.2.2.3; MQTT 5 reason code 0x86 or 0x87,
 * §3.2.2.2 — which shows the broker really checks, so the device's acceptance means its
 * credentials went out right.
 */
const userPassword = feature({
  protocols: BOTH,
  id: "user-password",
  spec: { "3.1.1": "3.1.3.4", "5": "3.1.3.5" },
  requires: ["broker-settings"],
  claim: {
    "3.1.1": "a client with the right user name and password is accepted; wrong or missing credentials are refused with return code 4 or 5 (§3.1.3.4, §3.1.3.5, §3.2.2.3)",
    "5": "a client with the right user name and password is accepted; wrong or missing credentials are refused with reason code 0x86 or 0x87 (§3.1.3.5, §3.1.3.6, §3.2.2.2)",
  },
  client: { user: "alice", password: USERS.alice },
  broker: { settings: { users: USERS } },
  async run(ctx) {
    const { device, peer, refusedPeer, topics, bounds } = ctx;
    await refusedPeer("intruder", { username: "alice", password: "wrong" });
    await refusedPeer("anonymous", {});
    await device.up({ within: bounds.connectMs });
    const sub = await peer("sub", { username: "alice", password: USERS.alice });
    await sub.subscribe(`${topics.base}/auth`, { qos: 1 });
    await ctx.answered(device.publish(`${topics.base}/auth`, "authenticated", { qos: 1 }), { within: bounds.deliveryMs, what: "the authenticated device publishes" });
    await sub.received({ topic: `${topics.base}/auth` }, { within: bounds.deliveryMs, what: "the peer receives the device's message" });
  },
  checks: ({ topics, protocol }) => {
    const codes = protocol === "5" ? [0x86, 0x87] : [4, 5];
    return [
      peerRefused({ name: "wrongPassword", peer: "intruder", codes }),
      peerRefused({ name: "anonymous", peer: "anonymous", codes }),
      connackReceived({ nth: 1, reason: 0 }),
      delivered({ to: "peer:sub", topic: `${topics.base}/auth`, payload: "authenticated" }),
    ];
  },
});

/** Keepalive in seconds: short, to compress time. */
const KEEPALIVE_S = 4;
/** Idle span in keepalives: past the broker's 1.5 × keepalive limit by a whole keepalive. */
const IDLE_KEEPALIVES = BROKER_KEEPALIVE_FACTOR + 1;

/**
 * An idle client keeps its connection: with nothing to send it must send PINGREQ so that no
 * more than Keep Alive seconds pass between its control packets [MQTT-3.1.2-23]; the broker
 * closes a connection silent for 1.5 × Keep Alive [MQTT-3.1.2-24]. The device subscribes, then
 * does nothing for 2.5 × keepalive; afterwards a peer's publish must still reach it on the same
 * connection — no `down`, no reconnect, no "exceeded timeout" from the broker, and the broker's
 * log shows no silence from the client longer than its keepalive.
 */
const keepaliveIdle = feature({
  protocols: BOTH,
  id: "keepalive-idle",
  spec: "3.1.2.10",
  claim: citing("an idle client sends PINGREQ within its keepalive and keeps the connection past 1.5 × keepalive", "MQTT-3.1.2-23"),
  client: { keepalive: KEEPALIVE_S },
  async run(ctx) {
    const { device, peer, topics, bounds, client, wait } = ctx;
    const topic = `${topics.base}/wake`;
    await device.up({ within: bounds.connectMs });
    await subscribeGranted(ctx, topic, 1, "the device subscribes");
    const pub = await peer("pub");
    // The idle span is the feature itself, not a wait for an event: nothing may happen in it.
    await wait(IDLE_KEEPALIVES * client.keepalive * 1000);
    await pub.publish(topic, "still-there", { qos: 1 });
    await device.received({ topic, payload: "still-there" }, { within: bounds.deliveryMs, what: "the idle connection still delivers" });
  },
  checks: ({ topics }) => [
    // Judged on every broker; keepsConnectionAlive adds the silences, from brokers that log packets.
    staysConnected(),
    keepsConnectionAlive(),
    delivered({ to: "device", topic: `${topics.base}/wake`, payload: "still-there", count: 1 }),
  ],
});

const connackSuccess = feature({
  protocol: "5",
  id: "connack-success",
  spec: "3.2.2.2",
  claim: "a device's accepted connection is reported with CONNACK reason code 0x00 (Success) and, with Clean Start 1, Session Present 0",
  async run({ device, bounds }) {
    await device.up({ within: bounds.connectMs });
  },
  checks: () => [connackHas({ who: "device", nth: 1, reason: 0, sessionPresent: false, guarantee: "MQTT 5 §3.2.2.2: reason code 0x00 on an accepted connection; §3.2.2.1.1: Session Present 0 after Clean Start 1" })],
});

const assignedClientId = feature({
  protocol: "5",
  id: "assigned-client-id",
  spec: "3.2.2.3.7",
  claim: "a device that connects with an empty client id gets one assigned in CONNACK (Assigned Client Identifier) and works under it",
  requires: ["assigned-client-id", "connack-properties"],
  client: { client_id: "" },
  async run(ctx) {
    const { device, peer, topics, bounds } = ctx;
    const t = `${topics.base}/anon`;
    await device.up({ within: bounds.connectMs });
    await ctx.answered(device.subscribe(t, 1), { within: bounds.connectMs, what: `client subscribes ${t}` });
    const pub = await peer("pub");
    await pub.publish(t, "hello", { qos: 1 });
    await device.received({ topic: t, payload: "hello" }, { within: bounds.deliveryMs });
  },
  checks: ({ topics }) => [
    onWire({ dir: "up", cmd: "connect", where: { clientId: "" }, what: "CONNECT with a zero-length client id", name: "emptyIdOnWire" }),
    connackHas({ who: "device", nth: 1, reason: 0, present: ["assignedClientIdentifier"], guarantee: "MQTT 5 §3.2.2.3.7 (MQTT-3.2.2-16): a zero-length client id is answered with an Assigned Client Identifier; the client exposes it" }),
    delivered({ to: "device", topic: `${topics.base}/anon`, payload: "hello" }),
  ],
});

const enhancedAuth = feature({
  protocol: "5",
  id: "enhanced-auth",
  spec: "4.12",
  claim: "a device that asks for an Authentication Method the broker does not support is refused with CONNACK 0x8C (Bad authentication method), and the client says so",
  requires: ["enhanced-auth"],
  async run(ctx) {
    const { device, bounds } = ctx;
    await device.up({ within: bounds.connectMs });
    await ctx.answered(device.disconnect(), { within: bounds.connectMs, what: "client disconnects cleanly" });
    // No reconnects: one CONNECT, one answer.
    await device.start({ connect_props: { authenticationMethod: "FARADAY-NO-SUCH-METHOD", authenticationData: { hex: "00ff" } }, reconnect: false });
  },
  checks: () => [
    onWire({ dir: "up", cmd: "connect", where: { props: { authenticationMethod: "FARADAY-NO-SUCH-METHOD" } }, what: "CONNECT carries the Authentication Method", name: "methodOnWire" }),
    opAnswered({ op: "start", ok: false, reason: 0x8c, guarantee: "MQTT 5 §3.1.2.11.9, §4.12 (MQTT-4.12.0-1): an unsupported Authentication Method gets CONNACK 0x8C; the client reports the refusal with its reason" }),
  ],
});

/**
 * Seconds: the broker's cap (sent back as Server Keep Alive; mosquitto 2.0 accepts
 * max_keepalive ≥ 10), and what the device asks for: so much more that a client still on its
 * own value stays silent past 1.5 × the cap even if it pings at a quarter of its keepalive.
 */
const CAP = 10;
const ASKED = 120;
/** A client still on its own keepalive is cut off after 1.5 × CAP s of silence: stay idle twice that. */
const WATCH_MS = 2 * 1.5 * CAP * 1000;
/** The broker caps the keepalive at CAP; the device asks for ASKED. */
const CAPPED = { broker: { settings: { maxKeepalive: CAP } }, client: { keepalive: ASKED } };

/**
 * MQTT 5 Server Keep Alive (§3.2.2.3.14): the broker caps the device's longer keepalive and
 * says so in CONNACK. Using the value is the client's duty whether or not it shows it to the
 * application (server-keepalive); showing it is server-keepalive-reported.
 */
const serverKeepalive = [
  feature({
    protocol: "5",
    id: "server-keepalive",
    spec: "3.2.2.3.14",
    claim: "a device that asks for a longer keepalive than the broker allows uses the Server Keep Alive from CONNACK, so its idle connection survives",
    requires: ["server-keepalive", "broker-settings"],
    ...CAPPED,
    async run({ device, bounds, wait }) {
      await device.up({ within: bounds.connectMs });
      // Idle on purpose, for the stretch the check watches (derived from the cap above).
      await wait(WATCH_MS + 500);
    },
    checks: () => [
      staysConnected({ guarantee: `MQTT 5 §3.2.2.3.14 (MQTT-3.1.2-21): the client uses the Server Keep Alive (${CAP} s), not its own ${ASKED} s, so the broker never cuts the idle connection (1.5 × ${CAP} s)` }),
    ],
  }),
  feature({
    protocol: "5",
    id: "server-keepalive-reported",
    spec: "3.2.2.3.14",
    claim: "the Server Keep Alive a broker sends in CONNACK (its cap on a longer keepalive the device asked for) reaches the application exactly",
    requires: ["server-keepalive", "broker-settings", "connack-properties"],
    ...CAPPED,
    async run({ device, bounds }) {
      await device.up({ within: bounds.connectMs });
    },
    checks: () => [
      onWire({ dir: "down", cmd: "connack", where: { props: { serverKeepAlive: CAP } }, what: `the broker's CONNACK carries Server Keep Alive ${CAP}`, name: "brokerSent" }),
      connackHas({ who: "device", nth: 1, props: { serverKeepAlive: CAP }, guarantee: `MQTT 5 §3.2.2.3.14: the broker's Server Keep Alive (${CAP} s) reaches the application` }),
    ],
  }),
];

export const connect = [...connectAccepted, ...clientIdEmptyClean, clientIdEmptyPersistent, ...userPassword, ...keepaliveIdle, connackSuccess, assignedClientId, enhancedAuth, ...serverKeepalive];
