import { cellsOf } from "../feature.ts";
import { subscriptions } from "../tables/subscriptions.ts";

/** The MQTT 3.1.1 cells of the subscribe-and-unsubscribe table: see ../tables/subscriptions.ts. */
export default cellsOf("3.1.1", subscriptions);
