import { cellsOf } from "../feature.ts";
import { wildcards } from "../tables/wildcards.ts";

/** The MQTT 3.1.1 cells of the wildcard table: see ../tables/wildcards.ts. */
export default cellsOf("3.1.1", wildcards);
