import { connackHas } from "../../../src/checks/connackHas.ts";
import { serverDisconnected } from "../../../src/checks/serverDisconnected.ts";
import { feature } from "../feature.ts";

export default feature({
  protocol: "5",
  id: "server-disconnect-takeover",
  spec: "3.14.2.1",
  claim: "when another connection takes over the device's client id, the device is told with a server DISCONNECT 0x8E (Session taken over)",
  requires: ["server-disconnect"],
  // It must not take the id back, or the two would evict each other in turn.
  client: { reconnect: false },
  async run({ device, peer, client, bounds }) {
    await device.up({ within: bounds.connectMs });
    await peer("thief", { clientId: client.client_id });
    await device.down({ within: bounds.deliveryMs, what: "client loses its connection to the takeover" });
  },
  checks: () => [
    connackHas({ who: "peer:thief", reason: 0, name: "takeoverAccepted", guarantee: "MQTT 5 §3.1.4: a second connection with the same client id is accepted" }),
    serverDisconnected({ reason: 0x8e, guarantee: "MQTT 5 §3.1.4 (MQTT-3.1.4-3), §3.14.2.1: the broker sends the existing connection DISCONNECT 0x8E and the client reports it" }),
  ],
});
