import mqtt, { type MqttClient } from "mqtt";
import type { Timeline } from "../timeline/timeline.ts";
import type { Protocol } from "../brokers/broker.ts";
import { LabError } from "../lab/errors.ts";
import type { Lab } from "../lab/lab.ts";
import { at } from "../timeline/event.ts";
import { isFault, isObserver } from "../timeline/is.ts";
import { toWire, wireBytes } from "../mqtt/values.ts";

/**
 * The witness and injector on the broker side: an MQTT.js client connected straight to the
 * broker (never through the device's proxy). It records every message it receives from the
 * device and every message it publishes to the device, with the broker's acknowledgement.
 * It keeps a persistent session so a broker restart does not make *it* lose messages.
 */
export class Observer {
  private seq = 0;
  private constructor(
    private readonly client: MqttClient,
    private readonly tl: Timeline,
  ) {}

  static async connect(opts: {
    port: number;
    protocol: Protocol;
    clientId: string;
    timeline: Timeline;
    subscribe: string[];
    /** When the broker refuses anonymous clients. */
    auth?: { username: string; password: string } | undefined;
  }): Promise<Observer> {
    const tl = opts.timeline;
    const v5 = opts.protocol === "5";
    const client = mqtt.connect({
      host: "127.0.0.1",
      port: opts.port,
      clientId: opts.clientId,
      protocolVersion: v5 ? 5 : 4,
      clean: false,
      // v5: keep the session for an hour, so it survives the broker's restart.
      ...(v5 ? { properties: { sessionExpiryInterval: 3600 } } : {}),
      // Long: the witness must not lose its broker to its own timer. At 5 s a loaded machine
      // (load 12 on 2 cores) delayed MQTT.js's PINGREQ past mosquitto's 1.5 × keepalive and the
      // broker dropped the observer mid-run ("exceeded timeout"), an error of the lab's own
      // making. A dead broker shows up at once anyway: a crash resets the socket.
      keepalive: 30,
      reconnectPeriod: 200,
      connectTimeout: 2000,
      resubscribe: true,
      ...(opts.auth ?? {}),
    });
    const obs = new Observer(client, tl);
    client.on("connect", (connack) => {
      tl.record("observer", "up", { sessionPresent: connack.sessionPresent });
      // Subscribe on every connect: with a lost session (non-durable broker) this restores it.
      client.subscribe(opts.subscribe, { qos: 1 }, (err) => {
        if (err) tl.record("observer", "error", { msg: `subscribe failed: ${err.message}` });
        else tl.record("observer", "subscribed", { topics: opts.subscribe });
      });
    });
    // MQTT.js says close on every failed reconnect attempt; record the transition only.
    client.on("close", () => {
      if (tl.last((e) => isObserver(e, "up", "down"))?.kind === "up") tl.record("observer", "down", {});
    });
    client.on("error", (err) => tl.record("observer", "error", { msg: err.message }));
    // A receipt as a peer records one (src/scenario/peer.ts): text, or {"hex": …} for bytes
    // that are not UTF-8, in the payload and in properties (Correlation Data). Text payloads and
    // text properties come out as they always did.
    client.on("message", (topic, payload, packet) => {
      const ev: Record<string, unknown> = {
        topic,
        payload: wireBytes(payload),
        qos: packet.qos,
        retain: packet.retain,
        dup: packet.dup,
      };
      if (packet.properties && Object.keys(packet.properties).length) ev.props = toWire(packet.properties);
      tl.record("observer", "recv", ev);
    });
    // An event, awaited: not a poll of the timeline.
    if (!(await tl.seenOrNext((e) => isObserver(e, "subscribed"), { within: 5000 })))
      throw new LabError(`observer connected and subscribed on port ${opts.port} did not happen within 5000 ms`);
    return obs;
  }

  /**
   * Publish to the device. Records `publish` when handed to MQTT.js and `puback` when the
   * broker acknowledged it (QoS 1), so checkers know what the broker owes the device.
   */
  publish(topic: string, payload: string, qos: 0 | 1 | 2 = 1, retain = false): Promise<boolean> {
    const id = ++this.seq;
    this.tl.record("observer", "publish", { id, topic, payload, qos, retain });
    return new Promise((resolve) => {
      this.client.publish(topic, payload, { qos, retain }, (err) => {
        if (err) {
          this.tl.record("observer", "publish.error", { id, topic, payload, msg: err.message });
          resolve(false);
        } else {
          this.tl.record("observer", "puback", { id, topic, payload, qos });
          resolve(true);
        }
      });
    });
  }

  get connected(): boolean {
    return this.client.connected;
  }

  async close(): Promise<void> {
    await new Promise<void>((r) => this.client.end(true, {}, () => r()));
  }
}

/**
 * The observer is the lab's witness: while it is cut off from the broker, deliveries go
 * unseen and a client would be blamed for them. Losing the broker is expected only while a
 * fault is in effect (a crashed, stopped or frozen broker), and for a moment after the last
 * one heals (MQTT.js notices a dead keepalive late, and reconnects every 200 ms). Outside
 * that, a lost observer breaks the lab: the run ends as `error` at once.
 */
export function watchObserver(lab: Lab, graceMs = 5000): () => void {
  const tl = lab.timeline;
  const open = new Set<string>();
  let lastEnd = -Infinity;
  let timer: NodeJS.Timeout | undefined;
  const isDown = () => tl.last((e) => isObserver(e, "up", "down"))?.kind === "down";
  const stop = tl.onEvent((e) => {
    if (isFault(e, "start")) open.add(String(e.id));
    else if (isFault(e, "end")) {
      open.delete(String(e.id));
      if (open.size === 0) {
        lastEnd = e.t;
        clearTimeout(timer);
        timer = setTimeout(() => {
          if (open.size === 0 && isDown() && !lab.tornDown)
            lab.fail(`the observer was still cut off from the broker ${graceMs} ms after the last fault (${String(e.fault)}) healed at ${at(lastEnd)}`);
        }, graceMs);
      }
    } else if (isObserver(e, "down") && open.size === 0 && e.t - lastEnd > graceMs && !lab.tornDown) {
      lab.fail(`the observer lost its broker at ${at(e.t)} with no fault in effect`);
    }
  });
  return () => {
    clearTimeout(timer);
    stop();
  };
}
