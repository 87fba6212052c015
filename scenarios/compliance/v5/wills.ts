import { cellsOf } from "../feature.ts";
import { wills } from "../tables/wills.ts";

/** The MQTT 5 cells of the will table: see ../tables/wills.ts. */
export default cellsOf("5", wills);
