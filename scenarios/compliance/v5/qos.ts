import { cellsOf } from "../feature.ts";
import { qos } from "../tables/qos.ts";

/** The MQTT 5 cells of the QoS table: see ../tables/qos.ts. */
export default cellsOf("5", qos);
