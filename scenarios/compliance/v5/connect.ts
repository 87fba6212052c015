import { cellsOf } from "../feature.ts";
import { connect } from "../tables/connect.ts";

/** The MQTT 5 cells of the connection table: see ../tables/connect.ts. */
export default cellsOf("5", connect);
