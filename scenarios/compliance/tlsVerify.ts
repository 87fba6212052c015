// The TLS verification feature, shared by both protocols. No default export: the registry skips this file.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Protocol } from "../../src/brokers/broker.ts";
import { describeCert, makeUntrustedCa } from "../../src/brokers/tlsMaterial.ts";
import { refusesUntrustedServer, UNTRUSTED_END, UNTRUSTED_MARK } from "../../src/checks/refusesUntrustedServer.ts";
import type { Scenario } from "../../src/scenario/dsl.ts";
import { LabError } from "../../src/lab/errors.ts";
import { feature } from "./feature.ts";
import { connectedOverTls } from "./tls.ts";
import { isDeviceUp } from "../../src/timeline/is.ts";

/**
 * TLS server verification (MQTT 3.1.1 and MQTT 5 §5.4.3, "Authentication of the Server by the
 * Client": over TLS (§4.2) the client authenticates the server by its certificate). `tls`
 * shows a client connects when given the CA that signed the server's certificate — which a
 * client that checks nothing does too. This is the other half: the device first connects over
 * TLS with the run's CA (the TLS path works), then boots again (a power cycle, so the new
 * settings reach a fresh client as a firmware's would) given an unrelated CA — its own key and
 * name, made for this run, signing nothing — against the same server. A client that verifies
 * must refuse: no CONNACK, no `up`, within the connect bound (and never after).
 * `refusesUntrustedServer` judges it: the client's answer and the broker's log (the handshake
 * it saw fail) are the evidence.
 */
export function tlsVerifyFeature(protocol: Protocol): Scenario {
  return feature({
    protocol,
    id: "tls-verify",
    spec: "5.4.3",
    requires: ["tls"],
    claim: "over TLS (§4.2) the client authenticates the server by its certificate: given a CA that did not sign it, it does not connect",
    client: { tls: true },
    broker: { settings: { tls: true } },
    async run(ctx) {
      const { device, bounds } = ctx;
      const lab = ctx.targets.lab;
      const broker = ctx.targets.broker;
      if (broker.tlsPort === undefined || broker.caFile === undefined) throw new LabError("the broker opened no TLS listener");
      lab.timeline.record("lab", "tls.listener", { port: broker.tlsPort });
      // The control: with the CA that signed the server's certificate, it connects over TLS.
      await device.up({ within: bounds.connectMs, what: "the client connects over TLS with the CA that signed the server's certificate" });
      const runCa = describeCert(readFileSync(broker.caFile, "utf8"));
      const dir = join(lab.dir, "untrusted-ca");
      mkdirSync(dir, { recursive: true });
      const bad = makeUntrustedCa(dir);
      // The probe: the same server, the client given a CA that has nothing to do with it.
      lab.timeline.record("lab", UNTRUSTED_MARK, {
        ca: `${bad.subject} (SHA-256 ${bad.fingerprint})`,
        serverIssuer: `${runCa.subject} (SHA-256 ${runCa.fingerprint})`,
        tlsPort: broker.tlsPort,
        withinMs: bounds.connectMs,
      });
      await ctx.targets.device.powerOff();
      await ctx.targets.device.powerOn({ tls: { ca: bad.pem } });
      const startedAt = lab.timeline.now();
      // Watch one connect bound: an `up` ends it early (the check fails on it anyway).
      const up = await lab.timeline.next(isDeviceUp, bounds.connectMs, lab.abort.signal);
      lab.timeline.record("lab", UNTRUSTED_END, up ? { early: true, watchedMs: lab.timeline.now() - startedAt } : { watchedMs: lab.timeline.now() - startedAt });
    },
    checks: () => [connectedOverTls(), refusesUntrustedServer()],
  });
}
