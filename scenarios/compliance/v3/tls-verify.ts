import { tlsVerifyFeature } from "../tlsVerify.ts";

/** TLS server verification, MQTT 3.1.1 §5.4.3 over §4.2: see ../tlsVerify.ts. */
export default tlsVerifyFeature("3.1.1");
