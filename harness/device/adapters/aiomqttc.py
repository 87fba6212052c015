# Faraday adapter for aiomqttc 1.0.7 (PyPI), MQTT 3.1.1, QoS 0/1.
# Its documentation is the package's README (the PyPI description: "API
# Reference") and the example application it ships and tells you to run,
# main.py. Where the two disagree, the adapter follows main.py, which is what
# runs (the README's "Basic usage" callback signatures do not match the calls
# the client makes). Values go in the types those name and come back as the
# client hands them over; nothing is converted, retried or guarded to get
# round a bug of the client, and the client module is not patched.
# aiomqttc has callbacks (on_connect, on_disconnect, on_message) but no
# event interface and no reconnection of its own beyond one try (its
# reconnect_interval defaults to 0, i.e. off, and the README's
# reconnect_delay_set() does not exist). So this adapter plays the
# application, as main.py does (mqtt_thread(): "Handles automatic
# reconnection if the broker is unreachable or the connection drops"): it
# watches client.connected and calls connect() again after a loss. up/down
# are synthesized from the callbacks and from that flag.
import asyncio
from aiomqttc import MQTTClient

NAME = "aiomqttc"
VERSION = "1.0.7"  # the module says __version__ = "1.0.6"
PROTOCOLS = ("3.1.1",)

_c = None
_emit = None
_up = False  # the state last reported to the host
_rc = True  # cfg["reconnect"]: the application's reconnect loop runs
_off = "not started"  # why operations are refused; None while _c is in use
RETRY_MS = 1000  # the app's reconnect pause (main.py uses 1..60 s backoff)
# publish()/unsubscribe() connect on their own when offline; this lock keeps
# the app's reconnect and theirs from running two connect()s at once (which
# would open two sockets under one client id). It orders the application's
# own calls (main.py never publishes while reconnecting); it does not touch
# what the client does inside one call.
_lock = asyncio.Lock()
_U = "unsupported: "  # prefix of what aiomqttc cannot do
V311 = _U + "MQTT 3.1.1 only, no "  # aiomqttc speaks nothing else


def _state(up):
    # One `up`/`down` per transition, whichever path noticed it first.
    global _up
    if up != _up:
        _up = up
        _emit({"ev": "up" if up else "down"})


# Callback signatures as main.py defines them and the client calls them
# (on_connect(client, return_code), on_disconnect(client, return_code),
# on_message(client, topic, payload, retain)).
async def _on_connect(client, rc):
    # rc is always 0 here, and the CONNACK's session-present flag, which
    # aiomqttc reads, is not passed on: `up` carries nothing more.
    _state(True)


async def _on_disconnect(client, rc):
    _state(False)


async def _on_message(proto, topic, payload, retain):
    # aiomqttc passes its protocol object, not the client, first; and the
    # message's QoS and DUP flag are not passed at all. `retain` is reported
    # as handed over: the flag bit, an int 0 or 1.
    _emit({"ev": "msg", "topic": topic, "payload": payload, "retained": retain})


async def _supervise(c):
    global _off
    # The application's reconnect loop, for one client. mark_disconnected()
    # (server timeout, receive error) clears .connected without calling
    # on_disconnect, so the flag is what tells us.
    while _off is None and _c is c:
        await asyncio.sleep_ms(200)
        if c.connected or _off is not None or _c is not c:
            continue
        _state(False)
        if not _rc:  # reconnect off: report the loss, never connect again
            _off = "connection lost and reconnect is off"
            return
        await asyncio.sleep_ms(RETRY_MS)
        async with _lock:
            if _off is None and _c is c and not c.connected:
                await c.connect()  # False on failure; on_connect on success


def _refuse():
    # Why an operation must not reach the client now, or None. aiomqttc's
    # publish() and unsubscribe() connect by themselves when offline: after a
    # disconnect, or with reconnect off, that would be a reconnect.
    if _off:
        return "not connected: " + _off
    if not _rc and not _c.connected:
        return "not connected (reconnect is off)"


def info():
    s = _c.stats if _c else None
    return {"pub_ok": s.pub_ok_count, "pub_fail": s.pub_fail_count} if s else {}


def _tls(t):
    # The keyword arguments for MQTTClient: none without TLS (its defaults,
    # ssl=False and ssl_params=None).
    if not t:
        return {}
    import ssl
    import binascii

    b = t["ca"].split("-----BEGIN CERTIFICATE-----")[1].split("-----END")[0]
    der = binascii.a2b_base64("".join(b.split()))
    return {"ssl": True, "ssl_params": {"cadata": der, "cert_reqs": ssl.CERT_REQUIRED, "server_hostname": "localhost"}}


async def _wifi(ssid, pw):
    # aiomqttc never touches the WLAN: its example application joins it
    # before making the client (main.py's main(): `sta = wifi(config.wifi_ssid,
    # config.wifi_password)`, the package's wifi.py). As that application,
    # when the board was given --wifi-ssid (the agent adds ssid/wifi_pw to
    # cfg): wifi.py's steps, drop a connection already up, active(True),
    # connect(ssid, password), wait for isconnected(). Its wait is a busy
    # loop; here it yields, so the agent's heartbeat goes on (the host bounds
    # the start). Never again after: main.py leaves the WLAN alone once up.
    import network

    w = network.WLAN(network.STA_IF)
    if w.isconnected():
        w.disconnect()
        w.active(False)
    w.active(True)
    w.connect(ssid, pw)
    # The application's join is the bench's, not the client's: one that does
    # not come (an AP out of reach after a power cycle) is said as the bench's
    # ("bench: ", docs/agent-protocol.md) and the lab ends the run as error.
    for _ in range(300):  # 30 s, the lab's own join bound
        if w.isconnected():
            return None
        await asyncio.sleep_ms(100)
    return "bench: the board did not join the WiFi %r in 30 s (status %r)" % (ssid, w.status())


async def start(cfg, emit):
    global _c, _emit, _rc, _up, _off
    if _off is None:
        return "already started: disconnect first"
    if cfg.get("protocol") == "5":
        return V311 + "MQTT 5"  # its CONNECT has protocol level 4
    if len(cfg["client_id"]) < 2:
        # README "Parameters": client_id is "auto-generated if not provided",
        # and MQTTClient.__init__ takes any id under 2 characters for not
        # provided: it would send generate_client_id()'s instead of the one
        # asked for (or of none, for the broker to assign). Refused, not sent.
        return _U + "client id under 2 characters (aiomqttc sends a random one)"
    if cfg.get("connect_props"):
        return V311 + "CONNECT properties"
    w = cfg.get("will") or {}
    if w.get("props"):
        return V311 + "will properties"
    if w and not w.get("payload"):
        # A will the client would leave out is refused, not dropped (agent
        # protocol): _build_connect_packet() sets the will flag only
        # `if will_topic and will_message`.
        return _U + "will with an empty payload"
    _emit = emit
    if cfg.get("ssid") is not None and _c is None:  # once, as main.py does
        r = await _wifi(cfg["ssid"], cfg.get("wifi_pw"))
        if r:
            return r
    # aiomqttc prints every PUBACK/SUBACK through its module-level log(),
    # whatever `verbose` says; those lines are the client's output (log
    # events), and the module is not patched to hide them.
    # README "API Reference" for client_id .. keepalive and verbose; main.py
    # (client_connect()) for clean_session and the will_* keywords.
    c = MQTTClient(
        client_id=cfg["client_id"],
        server=cfg["server"],
        port=cfg["port"],
        user=cfg.get("user"),
        password=cfg.get("password"),
        keepalive=cfg.get("keepalive", 60),
        # one flag for every connection: the first uses clean_init, later
        # ones clean (set below once the first connection is up)
        clean_session=cfg.get("clean_init", True),
        will_topic=w.get("topic"),
        will_message=w.get("payload"),
        will_qos=w.get("qos", 0),
        will_retain=w.get("retain", False),
        verbose=0,
        # TLS as the README's "API Reference" names it: "ssl: Enable SSL/TLS
        # connection", "ssl_params: SSL parameters as dictionary" (the example
        # config.json's "tls": true is main.py's ssl=). The dictionary's keys
        # are not listed there; these are MicroPython's, the keywords of
        # ssl.wrap_socket() (docs/library/ssl.rst), as in mqtt_as and
        # umqtt.simple: the run's CA (DER), verification required, and the name
        # the server's certificate carries. Whatever aiomqttc does with them is
        # the client's doing (docs/findings.md, finding 16).
        **_tls(cfg.get("tls")),
    )
    c.on_connect = _on_connect
    c.on_disconnect = _on_disconnect
    c.on_message = _on_message
    _c = c
    _up = False
    _rc = cfg.get("reconnect", True) is not False
    # README: connect(timeout_sec=10). It catches its own errors and returns
    # False (main.py tests its result), with get_last_error(). Under the lock: a publish
    # arriving meanwhile would make aiomqttc connect on its own, a second CONNECT
    # under the same client id.
    async with _lock:
        ok = await c.connect(timeout_sec=cfg.get("response_time", 10))
    if not ok:
        return "connect() returned False: %s" % (c.get_last_error() or "no connection")
    c.clean_session = cfg.get("clean", True)
    _off = None
    asyncio.create_task(_supervise(c))


def _check(qos, props):
    if props:
        return V311 + "properties"
    if qos not in (0, 1):
        return _U + "QoS %r" % qos  # README "Features": QoS 0 and 1


async def publish(topic, payload, qos, retain, props):
    # publish() returns True once the PUBACK came (QoS 1) or the bytes were
    # written (QoS 0); False when no PUBACK came within its 5 s or it could
    # not connect; None when the write raised. It never retries. The PUBACK
    # is only awaited, its content not returned (3.1.1 has no reason code).
    r = _check(qos, props) or _refuse()
    if r:
        return r
    # README: publish(topic, message, qos=1, retain=False); its docstring
    # (MQTTProtocol.publish): topic str, message "Union[str, bytes]" (the
    # agent hands bytes).
    if _c.connected:
        r = await _c.publish(topic, payload, qos, retain)
    else:
        async with _lock:
            r = await _c.publish(topic, payload, qos, retain)
    if r is not True:
        return "publish returned %r" % (r,)


async def subscribe(topic, qos, props, opts=None):
    # Only sends SUBSCRIBE: it returns before the SUBACK (which the receive
    # loop merely logs) and raises if there is no connection.
    if opts:  # MQTT 5 only; aiomqttc's SUBSCRIBE carries the QoS byte alone
        return V311 + "subscription options"
    r = _check(qos, props) or _refuse()
    if r:
        return r
    await _c.subscribe(topic, qos)  # README: subscribe(topic, qos=0)


async def unsubscribe(topic):
    r = _refuse()
    if r:
        return r
    async with _lock:  # connects on its own when offline, see _lock
        await _c.unsubscribe(topic)  # returns before the UNSUBACK


async def disconnect(reason=None, props=None):
    # A clean DISCONNECT (it also reports `down` through on_disconnect). The
    # lock waits out a reconnect under way.
    global _off
    if reason or props:
        return V311 + "DISCONNECT reason code or properties"
    if _c is None:
        return "not started"
    if _off:  # already off (reconnect off after a loss): nothing left to do
        return
    _off = "disconnected"
    async with _lock:
        await _c.disconnect()  # does nothing when the connection is already gone
    _state(False)


async def stop():
    # Not under the lock: the agent exits right after, whatever is under way.
    global _off
    if _c and not _off:
        _off = "stopped"
        await _c.disconnect()
