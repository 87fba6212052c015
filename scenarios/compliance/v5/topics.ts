import { cellsOf } from "../feature.ts";
import { topics } from "../tables/topics.ts";

/** The MQTT 5 cells of the topic-and-payload table: see ../tables/topics.ts. */
export default cellsOf("5", topics);
