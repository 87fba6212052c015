import { cellsOf } from "../feature.ts";
import { connect } from "../tables/connect.ts";

/** The MQTT 3.1.1 cells of the connection table: see ../tables/connect.ts. */
export default cellsOf("3.1.1", connect);
