import { tlsFeature } from "../tls.ts";

/** TLS, MQTT 3.1.1 §4.2: see ../tls.ts. */
export default tlsFeature("3.1.1");
