# The `ssl` module of micropython-lib (python-stdlib/ssl/ssl.py: its documented
# API, docs/library/ssl.rst), over the built-in `tls` module, for a unix port
# built without it (Debian's 1.25 has `tls` but no `ssl`). On boards the same
# micropython-lib module is frozen as `ssl`, so a client sees here what it sees
# there. Clients import ssl: mqtt_as (ssl.wrap_socket(sock, **ssl_params)),
# and MicroPython's asyncio.open_connection(..., ssl=True), which builds
# ssl.SSLContext(PROTOCOL_TLS_CLIENT) itself (aiomqttc).
#
# It verifies exactly where micropython-lib's does, and nowhere else: a new
# SSLContext starts at CERT_NONE (the built-in tls.SSLContext would start a
# client context at CERT_REQUIRED: micropython-lib overrides that, and so does
# this), and wrap_socket() verifies only with cert_reqs=CERT_REQUIRED (then
# against cadata, and the name against server_hostname). Measured on the unix
# port against a TLS listener whose certificate CA "A" signed: wrap_socket()
# with no arguments, or with CA "B" but the default cert_reqs, connects;
# CERT_REQUIRED with CA "B" is refused ("The certificate is not correctly
# signed by the trusted CA"), with CA "A" and server_hostname "wrong.example"
# too ("... does not match with the expected CN"), with no CA at all too ("No
# CA Chain is set"). Do not make it stricter or laxer than that.
import tls
from tls import (
    CERT_NONE,
    CERT_OPTIONAL,
    CERT_REQUIRED,
    MBEDTLS_VERSION,
    PROTOCOL_TLS_CLIENT,
    PROTOCOL_TLS_SERVER,
)


class SSLContext:
    def __init__(self, *args):
        self._context = tls.SSLContext(*args)
        self._context.verify_mode = CERT_NONE

    @property
    def verify_mode(self):
        return self._context.verify_mode

    @verify_mode.setter
    def verify_mode(self, val):
        self._context.verify_mode = val

    def load_cert_chain(self, certfile, keyfile):
        # A path (str) is read; bytes are the PEM/DER itself.
        if isinstance(certfile, str):
            with open(certfile, "rb") as f:
                certfile = f.read()
        if isinstance(keyfile, str):
            with open(keyfile, "rb") as f:
                keyfile = f.read()
        self._context.load_cert_chain(certfile, keyfile)

    def load_verify_locations(self, cafile=None, cadata=None):
        if cafile:
            with open(cafile, "rb") as f:
                cadata = f.read()
        self._context.load_verify_locations(cadata)

    def wrap_socket(self, sock, server_side=False, do_handshake_on_connect=True, server_hostname=None):
        return self._context.wrap_socket(
            sock,
            server_side=server_side,
            do_handshake_on_connect=do_handshake_on_connect,
            server_hostname=server_hostname,
        )


def wrap_socket(sock, server_side=False, key=None, cert=None, cert_reqs=CERT_NONE, cadata=None, server_hostname=None, do_handshake=True):
    c = SSLContext(PROTOCOL_TLS_SERVER if server_side else PROTOCOL_TLS_CLIENT)
    if cert or key:
        c.load_cert_chain(cert, key)
    if cadata:
        c.load_verify_locations(cadata=cadata)
    c.verify_mode = cert_reqs
    return c.wrap_socket(sock, server_side=server_side, do_handshake_on_connect=do_handshake, server_hostname=server_hostname)
