# Faraday adapter for peterhinch's mqtt_as (V0.8.x), MQTT 3.1.1 and 5.
# Drives the client only through its documented interface: the module-level
# `config` dict, MQTTClient(config), connect(), publish(), subscribe(),
# unsubscribe(), disconnect(), and the event interface (queue_len > 0:
# client.up / client.down Events and the async client.queue).
import asyncio
from mqtt_as import MQTTClient, config, VERSION as _V

NAME = "mqtt_as"
VERSION = "%d.%d.%d" % _V
PROTOCOLS = ("3.1.1", "5")

_c = None  # the one client
_v5 = False

# v5 property ids <-> the names MQTT.js uses, so the host can compare like
# with like. A tuple, not a dict: a few dozen bytes, scanned rarely.
_P = (
    (0x01, "payloadFormatIndicator"),
    (0x02, "messageExpiryInterval"),
    (0x03, "contentType"),
    (0x08, "responseTopic"),
    (0x09, "correlationData"),
    (0x0B, "subscriptionIdentifier"),
    (0x11, "sessionExpiryInterval"),
    (0x23, "topicAlias"),
    (0x26, "userProperties"),
)


def _props_in(p):
    # JSON (names) -> mqtt_as (ids and the value types its encoder expects).
    if not (_v5 and p):
        return None
    out = {}
    for i, n in _P:
        if n in p:
            v = p[n]
            if i == 0x01:
                # mqtt_as's encode_byte() returns the value untouched and the
                # encoder then takes len() of it: a 1-byte bytes is what works.
                v = bytes((1 if v else 0,))
            elif i == 0x09 and isinstance(v, str):
                v = v.encode()
            out[i] = v  # 0x26: mqtt_as sends only the first pair of the dict
    return out


def _props_out(p):
    # mqtt_as (ids) -> JSON (names); ids we have no name for stay numeric.
    out = {}
    for i in p:
        n = str(i)
        for j, m in _P:
            if j == i:
                n = m
                break
        v = p[i]
        out[n] = bool(v) if i == 0x01 else v
    return out


async def _ups(emit):
    while True:
        await _c.up.wait()
        _c.up.clear()
        emit({"ev": "up"})


async def _downs(emit):
    while True:
        await _c.down.wait()
        _c.down.clear()
        emit({"ev": "down"})


async def _msgs(emit):
    # V5 queues (topic, msg, retained, properties); 3.1.1 leaves props out.
    async for m in _c.queue:
        d = {"ev": "msg", "topic": m[0], "payload": m[1], "retained": m[2]}
        if len(m) > 3 and m[3]:
            d["props"] = _props_out(m[3])
        emit(d)


def info():
    # Counters the client keeps itself: republications and queue overflows.
    return {"repubs": MQTTClient.REPUB_COUNT, "discards": _c.queue.discards if _c else 0}


async def start(cfg, emit):
    global _c, _v5
    _v5 = cfg.get("protocol") == "5"
    config["client_id"] = cfg["client_id"].encode()  # README: must be bytes
    config["server"] = cfg["server"]
    config["port"] = cfg["port"]
    config["keepalive"] = cfg.get("keepalive", 60)
    config["clean"] = cfg.get("clean", True)
    config["clean_init"] = cfg.get("clean_init", True)
    config["response_time"] = cfg.get("response_time", 10)
    if cfg.get("user"):
        config["user"] = cfg["user"]
        config["password"] = cfg.get("password") or ""
    w = cfg.get("will")
    if w:
        config["will"] = (w["topic"], w.get("payload", ""), w.get("retain", False), w.get("qos", 0))
    # queue_len > 0 selects the event interface. The queue drops its oldest
    # entry on overflow (counted in .discards), so keep a little headroom.
    config["queue_len"] = cfg.get("queue_len", 4)
    config["mqttv5"] = _v5
    if _v5:
        config["mqttv5_con_props"] = {0x11: cfg.get("session_expiry", 0)}
    MQTTClient.DEBUG = bool(cfg.get("debug"))  # its dprint() goes to stdout
    _c = MQTTClient(config)
    asyncio.create_task(_ups(emit))
    asyncio.create_task(_downs(emit))
    asyncio.create_task(_msgs(emit))
    # quick=True skips mqtt_as's 5 s Wi-Fi "integrity" check on the first
    # connection only (later ones always do it).
    await _c.connect(quick=bool(cfg.get("quick")))


async def publish(topic, payload, qos, retain, props):
    # Returns only once a QoS 1 PUBACK came back: mqtt_as waits out outages
    # and republishes itself, so this can block for as long as the outage.
    await _c.publish(topic, payload, retain, qos, _props_in(props))


async def subscribe(topic, qos, props):
    await _c.subscribe(topic, qos, _props_in(props))


async def unsubscribe(topic):
    await _c.unsubscribe(topic)


async def stop():
    if _c:
        await _c.disconnect()
