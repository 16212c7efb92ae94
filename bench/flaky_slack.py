"""A Slack incoming webhook for bench/soak.sh that fails a share of the posts it gets.

usage: python3 bench/flaky_slack.py RECEIVED_JSONL FAIL_RATE SEED

POST /hook        a post: with probability FAIL_RATE it fails, half of those with 500, half with 429 and
                  Retry-After: 1; otherwise 200 "ok", and the post's text is appended to RECEIVED_JSONL
POST /_flaky?rate=R   sets the failure rate (the soak sets 0 before its final flush)
GET  /_flaky      {"ok": n, "failed500": n, "failed429": n} so far

Listens on 127.0.0.1 on a free port and prints "READY <port>". Only the standard library.
"""
import http.server
import json
import random
import sys
import threading
import urllib.parse


class Flaky:
    def __init__(self, received, rate, seed):
        self.received = open(received, "a", encoding="utf-8")
        self.rate = rate
        self.random = random.Random(seed)
        self.counts = {"ok": 0, "failed500": 0, "failed429": 0}
        self.lock = threading.Lock()

    def post(self, body):
        with self.lock:
            r = self.random.random()
            if r < self.rate / 2:
                self.counts["failed500"] += 1
                return 500, {}, "internal_error"
            if r < self.rate:
                self.counts["failed429"] += 1
                return 429, {"Retry-After": "1"}, "rate_limited"
            self.counts["ok"] += 1
            self.received.write(json.dumps({"text": json.loads(body)["text"]}) + "\n")
            self.received.flush()
            return 200, {}, "ok"


def handler(flaky):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            url = urllib.parse.urlsplit(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode("utf-8")
            if url.path == "/hook":
                self.answer(*flaky.post(body))
            elif url.path == "/_flaky":
                with flaky.lock:
                    flaky.rate = float(urllib.parse.parse_qs(url.query)["rate"][0])
                self.answer(200, {}, "rate %s" % flaky.rate)
            else:
                self.answer(404, {}, "no_service")

        def do_GET(self):
            with flaky.lock:
                self.answer(200, {"Content-Type": "application/json"}, json.dumps(flaky.counts))

        def answer(self, status, headers, text):
            data = text.encode("utf-8")
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    return Handler


def main():
    received, rate, seed = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler(Flaky(received, rate, seed)))
    print("READY %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
