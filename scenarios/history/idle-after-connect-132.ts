import { idleDuringConnect } from "../../src/faults/idleDuringConnect.ts";
import { museumCase } from "./_museum.ts";

/**
 * peterhinch/micropython-mqtt#132 ("ESP32 no reconnect on WiFi outage", MicroPython 1.22):
 * after the AP comes back, status() still answers IDLE (1000) a second after connect() — the
 * driver has not started to associate yet (#133 saw the same after a soft reset). mqtt_as's
 * wifi_connect() took anything but CONNECTING for a failure and never reconnected. Fixed in
 * 26e9750 ("Fix iss 132: firmware V1.22.1 incompatibility"), with b29f5e3 ("Allow for
 * STAT_GOT_IP") following the same day; fails at 285cd3a.
 */
export default museumCase({
  id: "history-132-idle-after-connect",
  title: "#132: ESP32 (MicroPython 1.22) still says IDLE a second after connect() once the AP is back",
  board: "esp32",
  faults: ["idleDuringConnect"],
  fault: ({ targets }) => idleDuringConnect(targets, { idleMs: 1500, at: "start" }),
});
