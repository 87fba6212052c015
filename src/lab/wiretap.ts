import net from "node:net";
import mqttPacket, { type Packet } from "mqtt-packet";
import type { Lab } from "./lab.ts";
import type { Protocol } from "../mqtt/protocol.ts";
import { toWire } from "../mqtt/values.ts";
import { PacketStage } from "./packetStage.ts";

/**
 * A passive MQTT tap on the device's own socket: the device connects here, the tap connects
 * on to the fault proxy and copies bytes both ways untouched, parsing each direction into MQTT
 * packets on the side. What the device put on the wire (its DUP flags, its PINGREQs, the
 * properties it encoded) and what reached it are then facts on the timeline, from any broker
 * — not only from brokers that log their packets. It sits in front of the proxy, so a silent
 * wire stays silent here too.
 *
 * Events: src "wire", kind "packet", dir "up" (device → broker) or "down", conn (1, 2, … per
 * TCP connection), cmd, and the packet's fields that checkers judge.
 *
 * Its packet stage (packetStage.ts) is where packet faults act. The tap records the wire at the
 * device's own socket: `up` what the device sent (before the stage), `down` what reached it
 * (after the stage) — a PUBACK the stage dropped on its way down is not on the timeline as a
 * packet, a duplicated PUBLISH is there twice.
 */
export async function startWireTap(lab: Lab, opts: { upstreamPort: number; protocol: Protocol }): Promise<{ listenPort: number; stage: PacketStage }> {
  const tl = lab.timeline;
  const stage = new PacketStage();
  const listenPort = await lab.port();
  const sockets = new Set<net.Socket>();
  let conns = 0;
  const server = net.createServer((device) => {
    const conn = ++conns;
    const broker = net.connect(opts.upstreamPort, "127.0.0.1");
    sockets.add(device).add(broker);
    const version = opts.protocol === "5" ? 5 : 4;
    const parse = (dir: "up" | "down") => {
      const p = mqttPacket.parser({ protocolVersion: version });
      p.on("packet", (pkt: Packet) => tl.record("wire", "packet", { dir, conn, ...describe(pkt) }));
      // A stream the parser cannot read is still copied; say so once, keep the bytes flowing.
      p.on("error", (e: Error) => tl.record("wire", "unparsable", { dir, conn, msg: e.message }));
      return p;
    };
    const up = parse("up");
    const down = parse("down");
    const staged = stage.connection(conn, {
      up: (b) => broker.write(b),
      down: (b) => {
        down.parse(b);
        device.write(b);
      },
    });
    device.on("data", (b: Buffer) => {
      up.parse(b);
      staged.push("up", b);
    });
    broker.on("data", (b: Buffer) => staged.push("down", b));
    // A side that ended with a reset (Toxiproxy's `reset_peer`, a peer's RST) is passed on as a
    // reset, not as an orderly close: the `reset` fault must reach the device as the RST it is.
    const wasReset = new Set<net.Socket>();
    const end = (who: string) => () => {
      staged.close();
      tl.record("wire", "close", { conn, by: who, ...(wasReset.size ? { reset: true } : {}) });
      for (const [s, other] of [[device, broker], [broker, device]] as const) {
        if (wasReset.has(other) && !s.destroyed) s.resetAndDestroy();
        else s.destroy();
      }
      sockets.delete(device);
      sockets.delete(broker);
    };
    device.once("close", end("device"));
    broker.once("close", end("broker"));
    const onError = (s: net.Socket) => (e: NodeJS.ErrnoException) => {
      if (e.code === "ECONNRESET") wasReset.add(s);
    };
    device.on("error", onError(device));
    broker.on("error", onError(broker));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listenPort, "127.0.0.1", () => resolve());
  });
  lab.defer("close wire tap", () => {
    stage.close();
    for (const s of sockets) s.destroy();
    server.close();
  });
  return { listenPort, stage };
}

/** The fields of a packet worth judging; payloads longer than 256 bytes by their length only. */
function describe(pkt: Packet): Record<string, unknown> {
  const p = pkt as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = { cmd: pkt.cmd };
  // The fixed header's flags mean something only on PUBLISH; elsewhere they are noise.
  const header = pkt.cmd === "publish" ? ["qos", "dup", "retain", "topic"] : [];
  for (const k of ["messageId", ...header, "reasonCode", "returnCode", "sessionPresent", "clean", "keepalive", "clientId", "protocolVersion", "granted", "unsubscriptions"])
    if (p[k] !== undefined && p[k] !== null) out[k] = p[k];
  if (pkt.cmd === "subscribe") out.subscriptions = p.subscriptions;
  if (Buffer.isBuffer(p.payload)) {
    out.payloadBytes = p.payload.length;
    if (p.payload.length <= 256) out.payload = toWire(p.payload);
  }
  if (p.properties && Object.keys(p.properties as object).length) out.props = toWire(p.properties);
  if (pkt.cmd === "connect") {
    const c = p as { username?: string; password?: Buffer; will?: Record<string, unknown> };
    if (c.username !== undefined) out.username = c.username;
    if (c.password !== undefined) out.passwordBytes = c.password.length;
    if (c.will) out.will = toWire({ topic: c.will.topic, payload: c.will.payload, qos: c.will.qos, retain: c.will.retain, props: c.will.properties });
  }
  return out;
}
