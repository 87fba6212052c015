import { cellsOf } from "../feature.ts";
import { wildcards } from "../tables/wildcards.ts";

/** The MQTT 5 cells of the wildcard table: see ../tables/wildcards.ts. */
export default cellsOf("5", wildcards);
