# Faraday adapter for aiomqttc 1.0.7 (PyPI), MQTT 3.1.1, QoS 0/1.
# aiomqttc has callbacks (on_connect, on_disconnect, on_message) but no
# event interface and no reconnection of its own beyond one try (its
# reconnect_interval defaults to 0, i.e. off, and the README's
# reconnect_delay_set() does not exist). So this adapter plays the
# application, as the package's own main.py does: it watches
# client.connected and calls connect() again after a loss. up/down are
# synthesized from the callbacks and from that flag.
import asyncio
import aiomqttc
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
# would open two sockets under one client id).
_lock = asyncio.Lock()
_U = "unsupported: "  # prefix of what aiomqttc cannot do
V311 = _U + "MQTT 3.1.1 only, no "  # aiomqttc speaks nothing else


def _state(up):
    # One `up`/`down` per transition, whichever path noticed it first.
    global _up
    if up != _up:
        _up = up
        _emit({"ev": "up" if up else "down"})


async def _on_connect(client, rc):
    # rc is always 0 here, and the CONNACK's session-present flag, which
    # aiomqttc reads, is not passed on: `up` carries nothing more.
    _state(True)


async def _on_disconnect(client, rc):
    _state(False)


async def _on_message(proto, topic, payload, retain):
    # aiomqttc passes its protocol object, not the client, first; and the
    # message's QoS and DUP flag are not passed at all.
    _emit({"ev": "msg", "topic": topic, "payload": payload, "retained": bool(retain)})


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


def _quiet(*_):
    pass


def info():
    s = _c.stats if _c else None
    return {"pub_ok": s.pub_ok_count, "pub_fail": s.pub_fail_count} if s else {}


def _tls_context(pem):
    # The run's CA (cadata: DER), and the server's certificate must chain to it.
    import ssl
    import binascii

    b = pem.split("-----BEGIN CERTIFICATE-----")[1].split("-----END")[0]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(cadata=binascii.a2b_base64("".join(b.split())))
    ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


async def start(cfg, emit):
    global _c, _emit, _rc, _up, _off
    if _off is None:
        return "already started: disconnect first"
    if cfg.get("protocol") == "5":
        return V311 + "MQTT 5"  # its CONNECT has protocol level 4
    if len(cfg["client_id"]) < 2:
        # MQTTClient.__init__ replaces it with generate_client_id()'s.
        return _U + "client id under 2 characters (aiomqttc sends a random one)"
    if cfg.get("connect_props"):
        return V311 + "CONNECT properties"
    w = cfg.get("will") or {}
    if w.get("props"):
        return V311 + "will properties"
    if w and not w.get("payload"):
        # _build_connect_packet() sets the will flag only `if will_topic and will_message`
        return _U + "will with an empty payload"
    _emit = emit
    if not cfg.get("debug"):
        # aiomqttc prints every PUBACK/SUBACK through its module-level log();
        # silence it unless the host asked for the client's debug output.
        aiomqttc.log = _quiet
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
        # TLS: aiomqttc hands `ssl` to asyncio.open_connection(host, port,
        # ssl=...), which wraps the socket with the context and names the
        # server by `host` (127.0.0.1); ssl_params it does not use.
        ssl=_tls_context(cfg["tls"]["ca"]) if cfg.get("tls") else False,
    )
    c.on_connect = _on_connect
    c.on_disconnect = _on_disconnect
    c.on_message = _on_message
    _c = c
    _up = False
    _rc = cfg.get("reconnect", True) is not False
    # connect() catches its own errors and returns False. Under the lock: a publish
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
        return _U + "QoS %r" % qos  # README: QoS 0 and 1


async def publish(topic, payload, qos, retain, props):
    # publish() returns True once the PUBACK came (QoS 1) or the bytes were
    # written (QoS 0); False when no PUBACK came within its 5 s or it could
    # not connect; None when the write raised. It never retries. The PUBACK
    # is only awaited, its content not returned (3.1.1 has no reason code).
    r = _check(qos, props) or _refuse()
    if r:
        return r
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
    await _c.subscribe(topic, qos)


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
