import { opAnswered } from "../../../src/checks/opAnswered.ts";
import { feature } from "../feature.ts";
import { answer, must } from "./_support.ts";

/**
 * A zero-byte client id with Clean Session 0 is refused: the client must not send it
 * [MQTT-3.1.3-7], and a broker that gets it answers return code 2, identifier rejected, and
 * closes the connection [MQTT-3.1.3-8]. Either way the application's connect fails. The device
 * connects normally first (a first connection the lab requires), disconnects, and asks to
 * connect with client id "" and Clean Session 0: that connect must fail.
 */
export default feature({
  protocol: "3.1.1",
  id: "client-id-empty-persistent",
  spec: "3.1.3.1",
  claim: "a zero-byte client id with Clean Session 0 never makes a connection: the client refuses it or the broker answers return code 2 (MQTT-3.1.3-7, MQTT-3.1.3-8)",
  async run(ctx) {
    const { device, bounds } = ctx;
    await device.up({ within: bounds.connectMs });
    await must(ctx, device.disconnect(), bounds.deliveryMs, "the device disconnects");
    // The answer is what is judged (opAnswered): wait for it, but do not stop without one.
    await answer(device.start({ client_id: "", clean: false, clean_init: false }), bounds.connectMs);
  },
  checks: () => [opAnswered({ op: "start", ok: false, guarantee: "a connect with a zero-byte client id and Clean Session 0 fails (MQTT-3.1.3-7, MQTT-3.1.3-8)" })],
});
