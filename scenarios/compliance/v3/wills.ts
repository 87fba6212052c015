import { cellsOf } from "../feature.ts";
import { wills } from "../tables/wills.ts";

/** The MQTT 3.1.1 cells of the will table: see ../tables/wills.ts. */
export default cellsOf("3.1.1", wills);
