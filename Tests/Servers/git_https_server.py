#!/usr/bin/env python3
"""A git smart-HTTP server over TLS with Basic authentication, for gitopsc's push tests.

It serves the bare repositories below --root through `git http-backend` (git's own CGI
program), only to clients that send the user name and password it was given, over TLS with
the certificate it was given. It listens on 127.0.0.1 on a port the system picks, writes that
port to --port-file once it accepts connections, and exits by itself after --lifetime seconds,
or when the process that started it ends, so that a test that dies cannot leave it running.

The password comes from the GIT_TEST_SERVER_PASSWORD environment variable, never from the
command line (where process listings would show it).
"""

import argparse
import base64
import hmac
import os
import ssl
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


class GitHandler(BaseHTTPRequestHandler):
    # Seconds a connection may stay silent: a client that stalls cannot hold a thread forever.
    timeout = 30
    server_version = "gitopsc-test-git/1"

    def log_message(self, format, *args):
        if self.server.verbose:
            sys.stderr.write("%s %s\n" % (self.address_string(), format % args))

    def do_GET(self):
        self.serve()

    def do_POST(self):
        self.serve()

    def authorized(self):
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return None
        try:
            user, _, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return None
        known = user in self.server.users
        if hmac.compare_digest(password.encode(), self.server.password.encode()) and known:
            return user
        return None

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = bytearray()
            while True:
                size_line = self.rfile.readline()
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    # Trailers, up to the empty line.
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(body)
                body += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def serve(self):
        user = self.authorized()
        body = self.read_body()
        if user is None:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="gitopsc test"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        url = urlsplit(self.path)
        environment = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "GIT_PROJECT_ROOT": self.server.root,
            "GIT_HTTP_EXPORT_ALL": "1",
            "GATEWAY_INTERFACE": "CGI/1.1",
            "REQUEST_METHOD": self.command,
            "PATH_INFO": url.path,
            "QUERY_STRING": url.query,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "REMOTE_USER": user,
            "REMOTE_ADDR": self.client_address[0],
            "HTTP_CONTENT_ENCODING": self.headers.get("Content-Encoding", ""),
            "GIT_PROTOCOL": self.headers.get("Git-Protocol", ""),
            "HOME": self.server.root,
        }
        try:
            result = subprocess.run(
                ["git", "http-backend"], input=body, env=environment,
                capture_output=True, timeout=60)
        except subprocess.TimeoutExpired:
            self.send_error(504, "git http-backend timed out")
            return
        if result.stderr:
            sys.stderr.write(result.stderr.decode("utf-8", "replace"))
        head, _, payload = result.stdout.partition(b"\r\n\r\n")
        if not _:
            head, _, payload = result.stdout.partition(b"\n\n")
        status = 200
        headers = []
        for line in head.decode("latin-1").splitlines():
            name, _, value = line.partition(":")
            if name.lower() == "status":
                status = int(value.strip().split()[0])
            elif name:
                headers.append((name, value.strip()))
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="folder of the bare repositories served")
    parser.add_argument("--cert", required=True, help="the server's certificate chain (PEM)")
    parser.add_argument("--key", required=True, help="the server's private key (PEM)")
    parser.add_argument("--user", action="append", required=True, help="an account (repeatable); all share the password")
    parser.add_argument("--port-file", required=True, help="where to write the port once listening")
    parser.add_argument("--lifetime", type=float, default=600, help="seconds before the server exits by itself")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--plain-http", action="store_true", help="serve without TLS (to test that no credential is sent)")
    arguments = parser.parse_args()

    server = ThreadingHTTPServer(("127.0.0.1", 0), GitHandler)
    server.daemon_threads = True
    server.root = os.path.abspath(arguments.root)
    server.users = set(arguments.user)
    server.password = os.environ["GIT_TEST_SERVER_PASSWORD"]
    server.verbose = arguments.verbose
    if not arguments.plain_http:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(arguments.cert, arguments.key)
        # The handshake happens in the handler's thread, so a client that refuses the
        # certificate (or never speaks) cannot stall the accepting loop.
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)

    # Exit after the lifetime, or as soon as the test that started it is gone.
    parent = os.getppid()
    started = time.monotonic()

    def watch():
        while time.monotonic() - started < arguments.lifetime and os.getppid() == parent:
            time.sleep(0.5)
        os._exit(3)

    threading.Thread(target=watch, daemon=True).start()
    temporary = arguments.port_file + ".tmp"
    with open(temporary, "w") as port_file:
        port_file.write(str(server.server_address[1]))
    os.rename(temporary, arguments.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
