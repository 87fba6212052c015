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
_run = False
RETRY_MS = 1000  # the app's reconnect pause (main.py uses 1..60 s backoff)
# publish()/unsubscribe() connect on their own when offline; this lock keeps
# the app's reconnect and theirs from running two connect()s at once (which
# would open two sockets under one client id).
_lock = asyncio.Lock()


def _state(up):
    # One `up`/`down` per transition, whichever path noticed it first.
    global _up
    if up != _up:
        _up = up
        _emit({"ev": "up" if up else "down"})


async def _on_connect(client, rc):
    _state(True)


async def _on_disconnect(client, rc):
    _state(False)


async def _on_message(proto, topic, payload, retain):
    # aiomqttc passes its protocol object, not the client, first; and the
    # message's QoS is not passed at all.
    _emit({"ev": "msg", "topic": topic, "payload": payload, "retained": bool(retain)})


async def _supervise():
    # The application's reconnect loop. mark_disconnected() (server timeout,
    # receive error) clears .connected without calling on_disconnect, so the
    # flag is what tells us.
    while _run:
        await asyncio.sleep_ms(200)
        if _c.connected:
            continue
        _state(False)
        await asyncio.sleep_ms(RETRY_MS)
        async with _lock:
            if _run and not _c.connected:
                await _c.connect()  # False on failure; on_connect on success


def _quiet(*_):
    pass


def info():
    s = _c.stats if _c else None
    return {"pub_ok": s.pub_ok_count, "pub_fail": s.pub_fail_count} if s else {}


async def start(cfg, emit):
    global _c, _emit, _run
    _emit = emit
    if not cfg.get("debug"):
        # aiomqttc prints every PUBACK/SUBACK through its module-level log();
        # silence it unless the host asked for the client's debug output.
        aiomqttc.log = _quiet
    w = cfg.get("will") or {}
    _c = MQTTClient(
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
    )
    _c.on_connect = _on_connect
    _c.on_disconnect = _on_disconnect
    _c.on_message = _on_message
    # connect() catches its own errors and returns False. Under the lock: a publish
    # arriving meanwhile would make aiomqttc connect on its own, a second CONNECT
    # under the same client id.
    async with _lock:
        ok = await _c.connect(timeout_sec=cfg.get("response_time", 10))
    if not ok:
        return "connect() returned False: %s" % (_c.get_last_error() or "no connection")
    _c.clean_session = cfg.get("clean", True)
    _run = True
    asyncio.create_task(_supervise())


async def publish(topic, payload, qos, retain, props):
    # publish() returns True once the PUBACK came (QoS 1) or the bytes were
    # written (QoS 0); False when no PUBACK came within its 5 s or it could
    # not connect; None when the write raised. It never retries.
    if _c.connected:
        r = await _c.publish(topic, payload, qos, retain)
    else:
        async with _lock:
            r = await _c.publish(topic, payload, qos, retain)
    if r is not True:
        return "publish returned %r" % (r,)


async def subscribe(topic, qos, props):
    # Only sends SUBSCRIBE: it returns before the SUBACK (which the receive
    # loop merely logs) and raises if there is no connection.
    await _c.subscribe(topic, qos)


async def unsubscribe(topic):
    async with _lock:  # connects on its own when offline, see _lock
        await _c.unsubscribe(topic)  # returns before the UNSUBACK


async def stop():
    global _run
    _run = False
    if _c:
        await _c.disconnect()
