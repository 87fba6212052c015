import { cellsOf } from "../feature.ts";
import { retain } from "../tables/retain.ts";

/** The MQTT 3.1.1 cells of the retained-message table: see ../tables/retain.ts. */
export default cellsOf("3.1.1", retain);
