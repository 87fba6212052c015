import { cellsOf } from "../feature.ts";
import { sessions } from "../tables/sessions.ts";

/** The MQTT 3.1.1 cells of the session table: see ../tables/sessions.ts. */
export default cellsOf("3.1.1", sessions);
