"""A partner's webhook endpoint for the end-to-end tests: a real HTTP/1.1
server on 127.0.0.1 (a port of its own) that checks every request's
signature the way DESIGN.md "Partners and disputes" defines it -
X-Ocppgw-Signature = hex HMAC-SHA256(secret, X-Ocppgw-Timestamp + "." +
body), the timestamp within 5 minutes - and records what it got."""

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class SignedReceiver:
    """status(n) gives the HTTP status of the n-th request (0-based; 200 by
    default); delay_s holds each answer back.  Every request is recorded as
    dict(event, body, sig_ok, status, ctype, path)."""

    def __init__(self, secret, status=None, delay_s=0.0):
        self.secret = secret.encode() if isinstance(secret, str) else secret
        self.status = status or (lambda n: 200)
        self.delay_s = delay_s
        self.seen, self.lock = [], threading.Lock()
        rec = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                ts = self.headers.get("X-Ocppgw-Timestamp", "")
                sig = self.headers.get("X-Ocppgw-Signature", "")
                want = hmac.new(rec.secret, ts.encode() + b"." + body, hashlib.sha256).hexdigest()
                fresh = ts.isdigit() and abs(int(ts) - time.time()) < 300
                with rec.lock:
                    st = rec.status(len(rec.seen))
                    rec.seen.append({"body": body, "event": json.loads(body),
                                     "sig_ok": hmac.compare_digest(want, sig) and fresh,
                                     "ctype": self.headers.get("Content-Type"),
                                     "status": st, "path": self.path})
                if rec.delay_s:
                    time.sleep(rec.delay_s)
                self.send_response(st)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass

        self.srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.srv.daemon_threads = True
        self.srv.handle_error = lambda request, address: None  # peers killed mid-answer
        self.port = self.srv.server_port
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()

    def all(self):
        """Every request, answered or refused."""
        with self.lock:
            return list(self.seen)

    def accepted(self):
        """The requests answered 2xx: what the partner took."""
        with self.lock:
            return [s for s in self.seen if 200 <= s["status"] < 300]

    def events(self, event_type=None):
        """The accepted requests (of one event_type)."""
        return [s for s in self.accepted()
                if event_type is None or s["event"]["event_type"] == event_type]

    def close(self):
        self.srv.shutdown()
        self.srv.server_close()
