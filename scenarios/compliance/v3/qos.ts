import { cellsOf } from "../feature.ts";
import { qos } from "../tables/qos.ts";

/** The MQTT 3.1.1 cells of the QoS table: see ../tables/qos.ts. */
export default cellsOf("3.1.1", qos);
