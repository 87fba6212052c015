import { tlsFeature } from "../tls.ts";

/** TLS, MQTT 5 §4.2: see ../tls.ts. */
export default tlsFeature("5");
