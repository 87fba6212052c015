import { cellsOf } from "../feature.ts";
import { topics } from "../tables/topics.ts";

/** The MQTT 3.1.1 cells of the topic-and-payload table: see ../tables/topics.ts. */
export default cellsOf("3.1.1", topics);
