// The TLS feature, shared by both protocols. No default export: the registry skips this file.
import type { Protocol } from "../../src/brokers/broker.ts";
import type { Check } from "../../src/checks/check.ts";
import { delivered } from "../../src/checks/delivered.ts";
import type { Scenario } from "../../src/scenario/dsl.ts";
import { LabError } from "../../src/lab/errors.ts";
import { feature } from "./feature.ts";
import { must, subscribeGranted } from "./v3/_support.ts";
import { isBroker, isLab } from "../../src/timeline/is.ts";

/**
 * TLS (MQTT 3.1.1 §4.2 / MQTT 5 §4.2, network connections: TLS is one of the transports the
 * spec names): the broker gets a second listener, TLS with a server certificate from a
 * throwaway CA, and the device's proxy leads there. The device, given that CA, connects and
 * exchanges QoS 1 messages both ways with a plain-TCP peer on the same broker. A client that
 * checks no certificate passes this too: that it verifies is `tls-verify` (./tlsVerify.ts).
 *
 * Why a passing exchange proves TLS: a plain-text CONNECT to a TLS listener never gets a
 * CONNACK (the broker reads it as a broken handshake and closes), so a client that silently
 * fell back to plain text could not come up at all. The wire tap is left out (it cannot read
 * TLS); instead `connectedOverTls` takes the broker's word: its log names the listener port of
 * each new connection, and the device's client id must have come in on the TLS one.
 */
export function tlsFeature(protocol: Protocol): Scenario {
  return feature({
    protocol,
    id: "tls",
    spec: "4.2",
    requires: ["tls"],
    claim: "the client connects over TLS, given the CA that signed the server's certificate, and exchanges QoS 1 messages both ways with a plain-TCP peer (§4.2)",
    client: { tls: true },
    broker: { settings: { tls: true } },
    async run(ctx) {
      const { device, peer, topics, bounds } = ctx;
      const port = ctx.targets.broker.tlsPort;
      if (port === undefined) throw new LabError("the broker opened no TLS listener");
      ctx.targets.lab.timeline.record("lab", "tls.listener", { port });
      await device.up({ within: bounds.connectMs });
      const p = await peer("peer");
      await p.subscribe(`${topics.base}/up`, { qos: 1 });
      await subscribeGranted(ctx, `${topics.base}/down`, 1, "the device subscribes at QoS 1 over TLS");
      await must(ctx, device.publish(`${topics.base}/up`, "over-tls", { qos: 1 }), bounds.deliveryMs, "the device publishes at QoS 1 over TLS");
      await p.received({ topic: `${topics.base}/up` }, { within: bounds.deliveryMs, what: "the plain peer receives the device's message" });
      await p.publish(`${topics.base}/down`, "to-tls", { qos: 1 });
      await device.received({ topic: `${topics.base}/down` }, { within: bounds.deliveryMs, what: "the device receives the peer's message over TLS" });
    },
    checks: ({ topics }) => [
      connectedOverTls(),
      delivered({ to: "peer:peer", topic: `${topics.base}/up`, payload: "over-tls", qos: 1, name: "deviceSends", guarantee: "the device's QoS 1 publish over TLS reaches the plain subscriber" }),
      delivered({ to: "device", topic: `${topics.base}/down`, payload: "to-tls", name: "deviceReceives", guarantee: "the plain peer's QoS 1 publish reaches the device over TLS" }),
    ],
  });
}

/**
 * The broker's word on the listener: mosquitto logs "New connection from ADDR on port P."
 * when a socket is accepted and "New client connected from ADDR as ID (…)" once its CONNECT
 * is read. Every connection of the device's client id must have been accepted on the TLS port.
 * A broker whose log says neither leaves it `unknown`.
 */
export function connectedOverTls(): Check {
  return {
    name: "connectedOverTls",
    guarantee: "the device's connections come in on the broker's TLS listener",
    judge(events, ctx) {
      const listener = events.find((e) => isLab(e, "tls.listener"));
      const tlsPort = typeof listener?.port === "number" ? listener.port : undefined;
      if (tlsPort === undefined) return { verdict: "unknown", summary: "the run never recorded the TLS listener's port", evidence: [] };
      const portOf = new Map<string, number>();
      const seen: { t: number; addr: string; port: number | undefined }[] = [];
      for (const e of events) {
        if (!isBroker(e, "log") || typeof e.line !== "string") continue;
        const accepted = /New connection from (\S+) on port (\d+)/.exec(e.line);
        if (accepted) portOf.set(accepted[1]!, Number(accepted[2]));
        const hello = /New client connected from (\S+) as (\S+) \(/.exec(e.line);
        if (hello && hello[2] === ctx.client.client_id) seen.push({ t: e.t, addr: hello[1]!, port: portOf.get(hello[1]!) });
      }
      if (!seen.length) return { verdict: "unknown", summary: `the broker's log shows no connection of ${ctx.client.client_id}`, evidence: [] };
      const evidence = seen.map((s) => ({ t: s.t, text: `${ctx.client.client_id} connected from ${s.addr}, accepted on port ${s.port ?? "?"} (TLS listener: ${tlsPort})` }));
      const bad = seen.filter((s) => s.port !== tlsPort);
      if (bad.length) return { verdict: "fail", summary: `${bad.length} of ${seen.length} connections of the device were not accepted on the TLS listener`, evidence };
      return { verdict: "pass", summary: `all ${seen.length} connections of the device came in on the TLS listener (port ${tlsPort})`, evidence };
    },
  };
}
