# Faraday adapter for peterhinch's mqtt_as (V0.8.x), MQTT 3.1.1 and 5.
# Drives the client only through its documented interface (its README, cited
# below by section): the module-level `config` dict, MQTTClient(config),
# connect(), publish(), subscribe(), unsubscribe(), disconnect(),
# isconnected(), and the event interface (queue_len > 0: client.up /
# client.down Events and the async client.queue). Values go in the types the
# README names and come back as mqtt_as hands them over: nothing is converted,
# retried or guarded to get round a bug of the client: where the documented
# form fails, the client's own exception goes to the agent, which reports it.
# What mqtt_as cannot do by its README is answered "unsupported: ...", never
# dropped.
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
    # JSON (names) -> mqtt_as's {id: value}, each value in the type its README
    # names (§3.6.2 "MQTTv5 Properties": keys are the property ids; "Outgoing
    # properties" tables). Returns a str (the ack's err) for what mqtt_as
    # cannot send.
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
            # README §3.6.2: 0x01 "byte" (0=binary 1=utf8), 0x17 and 0x19
            # "byte 0/1": the int 0 or 1. The agent protocol carries these
            # flags as JSON booleans (MQTT.js's type): true/false become that
            # int; a number is passed as it is.
            if isinstance(v, bool):
                v = 1 if v else 0
        elif i in (0x09, 0x16):
            # README §3.6.2: Correlation Data is "bytes" (Authentication Data,
            # 0x16, is binary too). The agent protocol carries binary as text
            # or {"hex": ...}.
            if isinstance(v, dict):
                import binascii

                v = binascii.unhexlify(v["hex"])
            else:
                v = v.encode()
        elif i == 0x26 and (len(v) != 1 or not isinstance(list(v.values())[0], str)):
            # README §3.6.2: a "string pair", {name: value} as in its example
            # {'value': 'test'}; §3.6.3 (3): only the first pair is sent.
            return _U + "user properties beyond one name/value pair"
        # Everything else as the README's tables say and JSON already has it:
        # "int" (0x02, 0x0B, 0x11, 0x21, 0x22, 0x23, 0x27), "string" (str:
        # 0x03, 0x08, 0x15), "string pair" (0x26, a one-entry dict).
        out[i] = v
    return out


def _props_out(p):
    # mqtt_as (ids) -> JSON (names), each value as mqtt_as hands it over
    # (README §3.6.2 "Incoming properties": 0x01 is a "byte", i.e. the int
    # it read; 0x26 a {name: value} dict). Ids we have no name for stay
    # numeric. Binary values become text or {"hex": ...} in the agent.
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
        out[n] = p[i]
    return out


async def _ups(c, emit):
    while True:
        await c.up.wait()
        c.up.clear()
        d = {"ev": "up"}
        # mqtt_as exposes few CONNACK fields (README §3.6.3 (5)): a non-zero
        # flags byte or reason code makes _connect() raise, and of the CONNACK
        # properties it keeps only Topic Alias Maximum, in the attribute its
        # own v5 demo reads (mqtt_as/v5/basic.py, README §2.1 "Test scripts
        # for MQTTv5"). Reported as it is, so the host sees what it kept.
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
    # reconnect=false. mqtt_as reconnects by itself, forever (README §3.2.1:
    # "Subsequent reconnections after outages are handled automatically");
    # its documented way out is the terminal disconnect() (§3.2.6, §5.2):
    # _keep_connected() checks for it before each new connect(). Wait first
    # for the task that closes the socket (started with the `down` event) so
    # that no DISCONNECT reaches the broker: that would discard the will.
    await asyncio.sleep_ms(100)
    await c.disconnect()


async def _msgs(c, emit):
    # README §3.5 / §3.6.1: V5 queues (topic, msg, retained, properties),
    # 3.1.1 leaves props out; topic and msg are bytes, retained a bool
    # (§3.1 "subs_cb"). mqtt_as does not tell a message's QoS or DUP flag.
    async for m in c.queue:
        d = {"ev": "msg", "topic": m[0], "payload": m[1], "retained": m[2]}
        if len(m) > 3 and m[3]:
            d["props"] = _props_out(m[3])
        emit(d)


def info():
    # Counters the client keeps itself: republications (README §3.3
    # REPUB_COUNT) and queue overflows (§3.5 client.queue.discards).
    # MQTT_base.publish() counts with `self.REPUB_COUNT += 1`, which makes an
    # instance attribute: the class attribute stays 0, so read the instance.
    return {"repubs": _c.REPUB_COUNT if _c else 0, "discards": _c.queue.discards if _c else 0}


def _no():
    # Why operations are refused: mqtt_as's own would wait for a connection
    # that will not come (after a disconnect, or a loss with reconnect off):
    # publish/subscribe/unsubscribe "pause until the WiFi/broker are
    # accessible" (README §3.2.2-§3.2.4).
    if _off:
        return "not connected: " + _off


def _qos(q):
    # README §1.2 "It supports qos levels 0 and 1"; qos_check() raises
    # ValueError for anything else. Declared in the manifest (qos2).
    if q not in (0, 1):
        return _U + "QoS %r" % q


def _tls_params(pem):
    # README §9 "The ssl_params dictionary": the allowable keys include
    # 'cadata' and 'cert_reqs' (mbedtls: the unix port), 'server_hostname'
    # and 'do_handshake'.
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
        if w.get("props"):  # README §3.6.3 (2): no will properties
            return _U + "will properties"
        r = _qos(w.get("qos", 0))
        if r:
            return r
    u = cfg.get("user")
    if cfg.get("password") and not u:
        # README §3.1 "password": "If a password is provided a user must also
        # exist" (_connect() sets both flags from the user).
        return _U + "password without user"
    p = _props_in(cfg.get("connect_props"))
    if isinstance(p, str):
        return p
    if _v5:
        # The agent protocol's session_expiry is the v5 Session Expiry
        # Interval: README §3.6.1/§3.6.2, config["mqttv5_con_props"][0x11], int.
        p = p or {}
        if 0x11 not in p:
            p[0x11] = cfg.get("session_expiry", 0)
    for t in _t:  # a new client after a disconnect: the old one's reporters end
        t.cancel()
    # README §3.1 "client_id": must be a bytes instance. b"" asks the broker
    # to assign one.
    config["client_id"] = cfg["client_id"].encode()
    config["server"] = cfg["server"]
    config["port"] = cfg["port"]
    config["keepalive"] = cfg.get("keepalive", 60)
    config["clean"] = cfg.get("clean", True)
    config["clean_init"] = cfg.get("clean_init", True)
    config["response_time"] = cfg.get("response_time", 10)
    # Every key set each time: `config` is one dict for the process's life, and
    # a will or user of an earlier start must not carry over.
    config["user"] = u or ""  # README §3.1: '' (the default) is none
    config["password"] = cfg.get("password") or ""
    # README §3.1 "Notes": [topic, msg, retain (bool), qos (0 or 1)]; named
    # "string" there, and §3.2 "Note re data types": strings only while every
    # character is ASCII, otherwise `encode` them to bytes. So bytes, the form
    # that holds any topic and any (binary) payload.
    config["will"] = (w["topic"].encode(), w["payload"], w.get("retain", False), w.get("qos", 0)) if w else None
    # README §3.5: queue_len > 0 selects the event interface. The queue drops its oldest
    # entry on overflow (counted in .discards), so keep a little headroom.
    config["queue_len"] = cfg.get("queue_len", 4)
    config["mqttv5"] = _v5  # README §3.6.1
    config["mqttv5_con_props"] = p if _v5 else None
    # README §3.1 "WiFi Credentials": 'ssid' and 'wifi_pw' [None], "required
    # for platforms other than ESP8266 where they are optional"; strings (§2.1
    # "Configuration", its sample mqtt_local.py). The agent adds them to cfg
    # on a board given --wifi-ssid (the password never crosses the host's
    # ops); without, the defaults (None): the WLAN as boot.py left it.
    config["ssid"] = cfg.get("ssid")
    config["wifi_pw"] = cfg.get("wifi_pw")
    # TLS (README "SSL/TLS", §9): ssl True and ssl_params, which _connect()
    # passes to ssl.wrap_socket(). The certificate must chain to the run's CA
    # (cadata: DER) and name "localhost"; the handshake is deferred to the first
    # read/write (do_handshake False), as its socket is non-blocking.
    t = cfg.get("tls")
    config["ssl"] = bool(t)
    config["ssl_params"] = _tls_params(t["ca"]) if t else {}
    MQTTClient.DEBUG = bool(cfg.get("debug"))  # README §3.3; dprint() goes to stdout
    _c = c = MQTTClient(config)
    _rc = cfg.get("reconnect", True) is not False
    _t[:] = [asyncio.create_task(f(c, emit)) for f in (_ups, _downs, _msgs)]
    # README §3.2.1: quick=True skips mqtt_as's 5 s Wi-Fi "integrity" check
    # on the first connection (later ones always do it); connect() raises
    # OSError if it fails, which the agent reports as the client's error.
    await c.connect(quick=bool(cfg.get("quick")))
    _off = None


async def publish(topic, payload, qos, retain, props):
    # Returns only once a QoS 1 PUBACK came back: mqtt_as waits out outages
    # and republishes itself, so this can block for as long as the outage.
    # It reads the PUBACK's reason code but does not return it.
    # README §3.2.2: topic bytes, msg bytes, retain bool, qos int, properties
    # as in §3.6.2. An exception it raises (e.g. from encoding a property) is
    # the client's, reported by the agent with its message.
    r = _no() or _qos(qos) or _props_in(props)
    if isinstance(r, str):
        return r
    # Properties only when there are any: V0.7 (the museum's older revisions)
    # has the four-argument form, which V0.8 keeps.
    if r:
        await _c.publish(topic.encode(), payload, retain, qos, r)
    else:
        await _c.publish(topic.encode(), payload, retain, qos)


async def subscribe(topic, qos, props, opts=None):
    # Returns after the SUBACK; a failure code there makes mqtt_as reconnect
    # and subscribe again. The granted QoS is not returned.
    if opts:  # README §3.6.3 (4): no subscription options
        return _U + "subscription options"
    r = _no() or _qos(qos) or _props_in(props)
    if isinstance(r, str):
        return r
    # README §3.2.3: topic bytes, qos int; properties per §3.6.2.
    if r:
        await _c.subscribe(topic.encode(), qos, r)
    else:  # the two-argument form of V0.7 and V0.8 (README §3.2.3)
        await _c.subscribe(topic.encode(), qos)


async def unsubscribe(topic):
    # Returns after the UNSUBACK (README §3.2.4).
    r = _no()
    if r:
        return r
    await _c.unsubscribe(topic.encode())


async def disconnect(reason=None, props=None):
    global _off
    # README §3.2.6: disconnect() takes no args, so no reason code or
    # properties can be asked for (it writes a bare b"\xe0\0").
    if reason or props:
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
