import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import type { Protocol } from "../brokers/broker.ts";
import type { Timeline } from "../timeline/timeline.ts";
import type { TimelineEvent } from "../timeline/event.ts";
import { LabError } from "../lab/errors.ts";
import type { MatchSpec, PeerHandle, PeerOptions, Received } from "./dsl.ts";
import { ExpectationFailed } from "./expectation.ts";
import { fromWire, toWire, wireBytes } from "./wire.ts";

// Peers of the device, by kind: here an MQTT.js client straight to the broker, and the wait
// for what a peer (or the device) received; mosquitto's own command-line clients are in
// mosquittoPeer.ts.

/** A message event of `src`/`who` that matches topic (and payload when given). */
export function isReceipt(e: TimelineEvent, who: { src: string; kind: string; peer?: string }, m: MatchSpec): boolean {
  if (e.src !== who.src || e.kind !== who.kind) return false;
  if (who.peer !== undefined && e.peer !== who.peer) return false;
  return e.topic === m.topic && (m.payload === undefined || e.payload === m.payload);
}

/** Wait for a matching receipt: one already on the timeline counts. */
export async function awaitReceipt(
  tl: Timeline,
  signal: AbortSignal,
  who: { src: string; kind: string; peer?: string },
  m: MatchSpec,
  within: number,
  what: string,
): Promise<Received> {
  const pred = (e: TimelineEvent) => isReceipt(e, who, m);
  const seen = await tl.seenOrNext(pred, { within, signal });
  if (!seen) {
    if (signal.aborted) throw new LabError("interrupted");
    throw new ExpectationFailed(what, within, tl.now() - within);
  }
  return seen as unknown as Received;
}

function options(name: string, port: number, protocol: Protocol, o: PeerOptions): IClientOptions {
  const v5 = (o.protocol ?? protocol) === "5";
  return {
    host: "127.0.0.1",
    port,
    clientId: o.clientId ?? name,
    protocolVersion: v5 ? 5 : 4,
    clean: o.clean ?? true,
    keepalive: o.keepalive ?? 30,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    resubscribe: false,
    ...(o.username !== undefined ? { username: o.username } : {}),
    ...(o.password !== undefined ? { password: o.password } : {}),
    ...(v5 && o.props ? { properties: fromWire(o.props) as IClientOptions["properties"] } : {}),
    ...(o.will
      ? {
          will: {
            topic: o.will.topic,
            payload: Buffer.from(o.will.payload),
            qos: o.will.qos ?? 0,
            retain: o.will.retain ?? false,
            ...(v5 && o.will.props ? { properties: fromWire(o.will.props) as NonNullable<IClientOptions["will"]>["properties"] } : {}),
          },
        }
      : {}),
  };
}

/**
 * An independent MQTT.js peer straight to the broker. It never reconnects by itself: a peer
 * that lost its connection in a compliance scenario is a fact to record, not to hide.
 */
export async function connectPeer(p: { tl: Timeline; signal: AbortSignal; port: number; protocol: Protocol; name: string; opts: PeerOptions }): Promise<{ handle: PeerHandle; close: () => Promise<void> }> {
  const { tl, signal, name } = p;
  const client: MqttClient = mqtt.connect(options(name, p.port, p.protocol, p.opts));
  let connack: PeerHandle["connack"] = { sessionPresent: false };
  client.on("packetreceive", (pkt) => {
    if (pkt.cmd === "disconnect") tl.record("peer", "disconnect", { peer: name, reasonCode: pkt.reasonCode, props: toWire(pkt.properties ?? {}) });
    if (pkt.cmd === "puback" || pkt.cmd === "pubrec") tl.record("peer", pkt.cmd, { peer: name, messageId: pkt.messageId, reasonCode: pkt.reasonCode });
  });
  client.on("message", (topic, payload, packet) => {
    tl.record("peer", "recv", {
      peer: name,
      topic,
      payload: wireBytes(payload),
      qos: packet.qos,
      retain: packet.retain,
      dup: packet.dup,
      ...(packet.properties && Object.keys(packet.properties).length ? { props: toWire(packet.properties) } : {}),
    });
  });
  client.on("close", () => tl.record("peer", "close", { peer: name }));
  client.on("error", (e) => tl.record("peer", "error", { peer: name, msg: e.message }));
  await new Promise<void>((resolve, reject) => {
    client.once("connect", (ack) => {
      connack = {
        sessionPresent: ack.sessionPresent,
        ...(ack.reasonCode !== undefined ? { reasonCode: ack.reasonCode } : {}),
        ...(ack.properties ? { props: toWire(ack.properties) as Record<string, unknown> } : {}),
      };
      tl.record("peer", "up", { peer: name, ...connack });
      resolve();
    });
    client.once("error", (e) => reject(new LabError(`peer ${name} could not connect: ${e.message}`)));
    client.once("close", () => reject(new LabError(`peer ${name}: the broker closed the connection before CONNACK`)));
  });
  // A clean DISCONNECT when connected; never longer than 2 s — an MQTT.js client whose
  // publish threw can leave end()'s callback uncalled, and teardown must not hang on it.
  const close = () =>
    new Promise<void>((r) => {
      if (!client.connected) {
        client.end(true);
        return r();
      }
      const t = setTimeout(() => {
        client.end(true);
        r();
      }, 2000);
      client.end(false, {}, () => {
        clearTimeout(t);
        r();
      });
    });
  const handle: PeerHandle = {
    name,
    get connack() {
      return connack;
    },
    subscribe: (topic, o = {}) =>
      new Promise((resolve, reject) =>
        client.subscribe(
          topic,
          {
            qos: o.qos ?? 1,
            ...(o.options?.nl !== undefined ? { nl: o.options.nl } : {}),
            ...(o.options?.rap !== undefined ? { rap: o.options.rap } : {}),
            ...(o.options?.rh !== undefined ? { rh: o.options.rh } : {}),
            ...(o.props ? { properties: fromWire(o.props) as object } : {}),
          },
          (err, granted) => {
            const codes = (granted ?? []).map((g) => g.qos);
            tl.record("peer", "suback", { peer: name, topic, granted: codes, ...(err ? { err: err.message } : {}) });
            if (err) reject(new LabError(`peer ${name} subscribe ${topic}: ${err.message}`));
            else resolve(codes);
          },
        ),
      ),
    unsubscribe: (topic) =>
      new Promise((resolve, reject) => client.unsubscribe(topic, (err) => (err ? reject(new LabError(`peer ${name} unsubscribe: ${err.message}`)) : resolve()))),
    publish: (topic, payload, o = {}) => {
      const qos = o.qos ?? 1;
      tl.record("peer", "publish", { peer: name, topic, payload: typeof payload === "string" ? payload : wireBytes(payload), qos, retain: o.retain ?? false, ...(o.props ? { props: o.props } : {}) });
      return new Promise((resolve, reject) =>
        client.publish(topic, payload, { qos, retain: o.retain ?? false, ...(o.props ? { properties: fromWire(o.props) as object } : {}) }, (err, pkt) => {
          const reasonCode = (pkt as { reasonCode?: number } | undefined)?.reasonCode;
          if (err) {
            tl.record("peer", "publish.error", { peer: name, topic, msg: err.message, ...(reasonCode !== undefined ? { reasonCode } : {}) });
            // A refused publish (v5 reason code ≥ 0x80) is an answer, not a lab failure.
            const code = (err as { code?: number }).code;
            if (typeof code === "number") return resolve({ reasonCode: code });
            return reject(new LabError(`peer ${name} publish ${topic}: ${err.message}`));
          }
          resolve(reasonCode !== undefined ? { reasonCode } : {});
        }),
      );
    },
    received: (m, { within, what }) => awaitReceipt(tl, signal, { src: "peer", kind: "recv", peer: name }, m, within, what ?? `peer ${name} receives ${m.topic}${m.payload !== undefined ? ` "${m.payload}"` : ""}`),
    end: close,
    destroy: async () => {
      tl.record("peer", "destroyed", { peer: name });
      client.stream.destroy();
      client.end(true);
    },
  };
  return { handle, close };
}

/** Connect a peer that the broker must refuse; what the broker answered. */
export function refusedConnect(p: { tl: Timeline; port: number; protocol: Protocol; name: string; opts: PeerOptions }): Promise<{ reasonCode?: number; closed: boolean }> {
  const client = mqtt.connect(options(p.name, p.port, p.protocol, p.opts));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => done(() => resolve({ closed: false })), 5000);
    function done(f: () => void) {
      clearTimeout(t);
      client.end(true);
      f();
    }
    client.once("connect", (ack) => {
      p.tl.record("peer", "up", { peer: p.name, sessionPresent: ack.sessionPresent, reasonCode: ack.reasonCode ?? 0 });
      done(() => reject(new ExpectationFailed(`broker refuses peer ${p.name}`, 5000, p.tl.now())));
    });
    client.once("error", (e) => {
      const code = (e as { code?: number }).code;
      p.tl.record("peer", "refused", { peer: p.name, msg: e.message, ...(typeof code === "number" ? { reasonCode: code } : {}) });
      done(() => resolve({ ...(typeof code === "number" ? { reasonCode: code } : {}), closed: false }));
    });
    client.once("close", () => {
      p.tl.record("peer", "refused", { peer: p.name, closed: true });
      done(() => resolve({ closed: true }));
    });
  });
}
