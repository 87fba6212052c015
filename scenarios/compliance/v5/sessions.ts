import { cellsOf } from "../feature.ts";
import { sessions } from "../tables/sessions.ts";

/** The MQTT 5 cells of the session table: see ../tables/sessions.ts. */
export default cellsOf("5", sessions);
