import { connectNotSent } from "../../../src/checks/connectNotSent.ts";
import { opAnswered } from "../../../src/checks/opAnswered.ts";
import { feature } from "../feature.ts";
import { answer, must } from "./_support.ts";

/**
 * A zero-byte client id with Clean Session 0 is never a connection. The client MUST NOT send
 * it [MQTT-3.1.3-7]; a broker that gets it anyway answers return code 2, identifier rejected,
 * and closes the connection [MQTT-3.1.3-8]. Two checks, so the report tells them apart: the
 * application's connect fails (either way), and the CONNECT never reached the broker (the
 * client's own duty — a client that leaves the refusal to the broker fails this one, with the
 * broker's return code 2 as evidence). The device connects normally first (the lab's first
 * connection), disconnects, and asks to connect with client id "" and Clean Session 0.
 */
export default feature({
  protocol: "3.1.1",
  id: "client-id-empty-persistent",
  spec: "3.1.3.1",
  claim: "the client does not send a zero-byte client id with Clean Session 0, and the connect fails (MQTT-3.1.3-7; broker fallback MQTT-3.1.3-8)",
  async run(ctx) {
    const { device, bounds } = ctx;
    await device.up({ within: bounds.connectMs });
    await must(ctx, device.disconnect(), bounds.deliveryMs, "the device disconnects");
    // The answer is what is judged (opAnswered): wait for it, but do not stop without one.
    await answer(device.start({ client_id: "", clean: false, clean_init: false }), bounds.connectMs);
  },
  checks: () => [
    opAnswered({ name: "connectFails", op: "start", ok: false, guarantee: "a connect with a zero-byte client id and Clean Session 0 fails (MQTT-3.1.3-7, MQTT-3.1.3-8)" }),
    connectNotSent({ name: "clientRefusesItself", guarantee: "the client does not send a zero-byte client id with Clean Session 0 (MQTT-3.1.3-7)" }),
  ],
});
