/** The MQTT versions the lab speaks: 3.1.1 and 5.0. */
export type Protocol = "3.1.1" | "5";
