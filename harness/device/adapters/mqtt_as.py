# Faraday adapter for peterhinch's mqtt_as (V0.8.x), MQTT 3.1.1 and 5.
# Drives the client only through its documented interface: the module-level
# `config` dict, MQTTClient(config), connect(), publish(), subscribe(),
# unsubscribe(), disconnect(), isconnected(), and the event interface
# (queue_len > 0: client.up / client.down Events and the async client.queue).
# What mqtt_as cannot do is answered "unsupported: ...", never dropped.
import asyncio
from mqtt_as import MQTTClient, config, VERSION as _V

NAME = "mqtt_as"
VERSION = "%d.%d.%d" % _V
PROTOCOLS = ("3.1.1", "5")

_c = None  # the current client
_U = "unsupported: "  # prefix of what mqtt_as cannot do
_v5 = False
_rc = True  # cfg["reconnect"]
_off = "not started"  # why operations are refused; None while _c is in use
_t = []  # the tasks that report _c's events; cancelled at the next start

# v5 property ids (_I) and the names MQTT.js uses (_N, the k-th word for the
# k-th id), so the host compares like with like: the ids mqtt_as can encode
# (mqtt_v5_properties.ENCODE_TABLE) in a CONNECT, PUBLISH or SUBSCRIBE, which
# include all a PUBLISH brings in. (Its table also has Will Delay Interval,
# Server Reference and Reason String, which none of those may carry.)
# One bytes and one str rather than a dict: a few hundred bytes, scanned rarely.
_I = b"\x01\x02\x03\x08\x09\x0b\x11\x15\x16\x17\x19\x21\x22\x23\x26\x27"
_N = (
    " payloadFormatIndicator messageExpiryInterval contentType responseTopic"
    " correlationData subscriptionIdentifier sessionExpiryInterval"
    " authenticationMethod authenticationData requestProblemInformation"
    " requestResponseInformation receiveMaximum topicAliasMaximum topicAlias"
    " userProperties maximumPacketSize "
)


def _props_in(p):
    # JSON (names) -> mqtt_as's {id: value}, in the types its encoder takes.
    # Returns a str (the ack's err) for what mqtt_as cannot send.
    if not p:
        return None
    if not _v5:
        return _U + "properties need MQTT 5"
    out = {}
    for n in p:
        k = _N.find(" %s " % n)
        if k < 0:
            return _U + "property " + n
        i = _I[_N.count(" ", 0, k)]
        v = p[n]
        if i in (0x01, 0x17, 0x19):
            # encode_byte() returns the value untouched and the encoder then
            # takes len() of it: a 1-byte bytes is what works.
            v = bytes((1 if v else 0,))
        elif i in (0x09, 0x16):  # binary: text or {"hex": ...}
            if isinstance(v, dict):
                import binascii

                v = binascii.unhexlify(v["hex"])
            else:
                v = v.encode()
        elif i == 0x26 and (len(v) != 1 or not isinstance(list(v.values())[0], str)):
            # encode_string_pair() sends the first pair only (README §3.6.3 (3))
            return _U + "user properties beyond one name/value pair"
        out[i] = v
    return out


def _props_out(p):
    # mqtt_as (ids) -> JSON (names); ids we have no name for stay numeric.
    out = {}
    for i in p:
        k = _I.find(bytes((i,)))
        if k < 0:
            n = str(i)
        else:
            s = 0
            for _ in range(k):
                s = _N.find(" ", s + 1)
            n = _N[s + 1 : _N.find(" ", s + 1)]
        v = p[i]
        out[n] = bool(v) if i == 0x01 else v
    return out


async def _ups(c, emit):
    while True:
        await c.up.wait()
        c.up.clear()
        d = {"ev": "up"}
        # mqtt_as exposes no CONNACK field (README §3.6.3 (5)): a non-zero
        # flags byte or reason code makes _connect() raise, and of the CONNACK
        # properties it keeps only Topic Alias Maximum, in this public but
        # undocumented attribute. Reported so the host sees what it kept.
        if _v5 and c.topic_alias_maximum:
            d["props"] = {"topicAliasMaximum": c.topic_alias_maximum}
        emit(d)


async def _downs(c, emit):
    global _off
    while True:
        await c.down.wait()
        c.down.clear()
        emit({"ev": "down"})
        if not _rc and _off is None and _c is c:
            _off = "connection lost and reconnect is off"
            asyncio.create_task(_end(c))  # its own task: a new start cancels this one


async def _end(c):
    # reconnect=false. mqtt_as reconnects by itself, forever; its documented
    # way out is the terminal disconnect(): _keep_connected() checks for it
    # before each new connect(). Wait first for the task that closes the
    # socket (started with the `down` event) so that no DISCONNECT reaches
    # the broker: that would discard the will.
    await asyncio.sleep_ms(100)
    await c.disconnect()


async def _msgs(c, emit):
    # V5 queues (topic, msg, retained, properties); 3.1.1 leaves props out.
    # mqtt_as does not tell a message's QoS or DUP flag.
    async for m in c.queue:
        d = {"ev": "msg", "topic": m[0], "payload": m[1], "retained": m[2]}
        if len(m) > 3 and m[3]:
            d["props"] = _props_out(m[3])
        emit(d)


def info():
    # Counters the client keeps itself: republications and queue overflows.
    # MQTT_base.publish() counts with `self.REPUB_COUNT += 1`, which makes an
    # instance attribute: the class attribute stays 0, so read the instance.
    return {"repubs": _c.REPUB_COUNT if _c else 0, "discards": _c.queue.discards if _c else 0}


def _no():
    # Why operations are refused: mqtt_as's own would wait for a connection
    # that will not come (after a disconnect, or a loss with reconnect off).
    if _off:
        return "not connected: " + _off


def _qos(q):
    if q not in (0, 1):  # qos_check() would raise ValueError (README §1: no QoS 2)
        return _U + "QoS %r" % q


def _tls_params(pem):
    import ssl
    import binascii

    b = pem.split("-----BEGIN CERTIFICATE-----")[1].split("-----END")[0]
    der = binascii.a2b_base64("".join(b.split()))
    return {"cadata": der, "cert_reqs": ssl.CERT_REQUIRED, "server_hostname": "localhost", "do_handshake": False}


async def start(cfg, emit):
    global _c, _v5, _rc, _off
    if _off is None:
        return "already started: disconnect first"
    _v5 = cfg.get("protocol") == "5"
    w = cfg.get("will")
    if w:
        if w.get("props"):  # README §3.6.3 (2)
            return _U + "will properties"
        r = _qos(w.get("qos", 0))
        if r:
            return r
    u = cfg.get("user")
    if cfg.get("password") and not u:
        # _connect() sets the user and password flags together, from the user.
        return _U + "password without user"
    p = _props_in(cfg.get("connect_props"))
    if isinstance(p, str):
        return p
    if _v5:
        p = p or {}
        if 0x11 not in p:
            p[0x11] = cfg.get("session_expiry", 0)
    for t in _t:  # a new client after a disconnect: the old one's reporters end
        t.cancel()
    # README: must be bytes. b"" asks the broker to assign one.
    config["client_id"] = cfg["client_id"].encode()
    config["server"] = cfg["server"]
    config["port"] = cfg["port"]
    config["keepalive"] = cfg.get("keepalive", 60)
    config["clean"] = cfg.get("clean", True)
    config["clean_init"] = cfg.get("clean_init", True)
    config["response_time"] = cfg.get("response_time", 10)
    # Every key set each time: `config` is one dict for the process's life, and
    # a will or user of an earlier start must not carry over.
    config["user"] = u or ""
    config["password"] = cfg.get("password") or ""
    config["will"] = (w["topic"].encode(), w["payload"], w.get("retain", False), w.get("qos", 0)) if w else None
    # queue_len > 0 selects the event interface. The queue drops its oldest
    # entry on overflow (counted in .discards), so keep a little headroom.
    config["queue_len"] = cfg.get("queue_len", 4)
    config["mqttv5"] = _v5
    config["mqttv5_con_props"] = p if _v5 else None
    # TLS (README "SSL/TLS", §9): ssl True and ssl_params, which _connect()
    # passes to ssl.wrap_socket(). The certificate must chain to the run's CA
    # (cadata: DER) and name "localhost"; the handshake is deferred to the first
    # read/write (do_handshake False), as its socket is non-blocking.
    t = cfg.get("tls")
    config["ssl"] = bool(t)
    config["ssl_params"] = _tls_params(t["ca"]) if t else {}
    MQTTClient.DEBUG = bool(cfg.get("debug"))  # its dprint() goes to stdout
    _c = c = MQTTClient(config)
    _rc = cfg.get("reconnect", True) is not False
    _t[:] = [asyncio.create_task(f(c, emit)) for f in (_ups, _downs, _msgs)]
    # quick=True skips mqtt_as's 5 s Wi-Fi "integrity" check on the first
    # connection only (later ones always do it). connect() raises if it fails.
    await c.connect(quick=bool(cfg.get("quick")))
    _off = None


async def publish(topic, payload, qos, retain, props):
    # Returns only once a QoS 1 PUBACK came back: mqtt_as waits out outages
    # and republishes itself, so this can block for as long as the outage.
    # It reads the PUBACK's reason code but does not return it.
    r = _no() or _qos(qos) or _props_in(props)
    if isinstance(r, str):
        return r
    await _c.publish(topic.encode(), payload, retain, qos, r)


async def subscribe(topic, qos, props, opts=None):
    # Returns after the SUBACK; a failure code there makes mqtt_as reconnect
    # and subscribe again. The granted QoS is not returned.
    if opts:  # _usub() writes the QoS byte alone (README §3.6.3 (4))
        return _U + "subscription options"
    r = _no() or _qos(qos) or _props_in(props)
    if isinstance(r, str):
        return r
    await _c.subscribe(topic.encode(), qos, r)


async def unsubscribe(topic):
    # Returns after the UNSUBACK (README §3.2.4).
    r = _no()
    if r:
        return r
    await _c.unsubscribe(topic.encode())


async def disconnect(reason=None, props=None):
    global _off
    if reason or props:  # disconnect() writes a bare b"\xe0\0"
        return _U + "DISCONNECT reason code or properties"
    c = _c
    if c is None:
        return "not started"
    if _off:  # already off (reconnect off after a loss): nothing left to do
        return
    _off = "disconnected"
    await c.disconnect()
    # disconnect() leaves the client's connected state alone; its message task
    # finds the closed socket within a few ms and raises `down`
    # (_handle_msg() -> _reconnect()). Let that come before the ack.
    for _ in range(20):
        if not c.isconnected():
            break
        await asyncio.sleep_ms(50)
    await asyncio.sleep_ms(0)


async def stop():
    global _off
    if _c and not _off:
        _off = "stopped"
        await _c.disconnect()
