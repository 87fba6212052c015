import { cellsOf } from "../feature.ts";
import { subscriptions } from "../tables/subscriptions.ts";

/** The MQTT 5 cells of the subscribe-and-unsubscribe table: see ../tables/subscriptions.ts. */
export default cellsOf("5", subscriptions);
