import { tlsVerifyFeature } from "../tlsVerify.ts";

/** TLS server verification, MQTT 5 §5.4.3 over §4.2: see ../tlsVerify.ts. */
export default tlsVerifyFeature("5");
