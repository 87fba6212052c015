/**
 * Broker configuration a compliance scenario needs (limits the broker announces and enforces).
 * A broker kind that cannot be configured so makes the run `skip`, never `fail`.
 */
export interface BrokerSettings {
  /** Only these users (name → password) may connect; anonymous clients are refused. */
  users?: Record<string, string>;
  /** Largest packet the broker accepts (v5 announces it as Maximum Packet Size). */
  maxPacketSize?: number;
  /** The broker caps the client's keepalive (v5: Server Keep Alive). */
  maxKeepalive?: number;
  /** v5 Receive Maximum the broker announces (QoS 1/2 publishes in flight towards it). */
  receiveMaximum?: number;
  /** v5 Topic Alias Maximum the broker announces. */
  topicAliasMaximum?: number;
  /** Highest QoS the broker grants a subscription (mosquitto `max_qos`): SUBACK grants less than asked. */
  maxQos?: 0 | 1 | 2;
  /**
   * A TLS listener beside the plain one (a throwaway CA and a server certificate for
   * 127.0.0.1/localhost): a client asking for `tls` connects to it through the proxy.
   */
  tls?: true;
}
