import { cellsOf } from "../feature.ts";
import { retain } from "../tables/retain.ts";

/** The MQTT 5 cells of the retained-message table: see ../tables/retain.ts. */
export default cellsOf("5", retain);
