"""A real SMTP server for budgetbot's tests: aiosmtpd (Debian's python3-aiosmtpd) with STARTTLS required and
AUTH LOGIN/PLAIN accepted only over TLS, for one user. Each message received is written to MAILDIR as N.eml.

usage: tls_auth_server.py CERT_PEM KEY_PEM MAILDIR USER PASSWORD

Listens on 127.0.0.1 on a free port and prints "READY <port>" once it accepts connections. Ends when its
standard input closes, so it never outlives the test that started it.
"""
import asyncio
import itertools
import os
import ssl
import sys
import threading

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Maildir:
    def __init__(self, folder):
        self.folder = folder
        self.numbers = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        path = os.path.join(self.folder, "%d.eml" % next(self.numbers))
        with open(path + ".part", "wb") as out:
            out.write(envelope.original_content or envelope.content)
        os.rename(path + ".part", path)  # the test never sees half a message
        return "250 OK stored"


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (mechanism in ("LOGIN", "PLAIN") and isinstance(auth_data, LoginPassword)
              and auth_data.login == user.encode() and auth_data.password == password.encode())
        return AuthResult(success=ok, handled=False)
    return check


def main():
    cert, key, maildir, user, password = sys.argv[1:6]
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    handler = Maildir(maildir)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    def session():
        return SMTP(handler, hostname="budgetbot-test-smtp", tls_context=context, require_starttls=True,
                    auth_required=True, auth_require_tls=True, authenticator=authenticator(user, password),
                    loop=loop)

    server = loop.run_until_complete(loop.create_server(session, host="127.0.0.1", port=0))
    print("READY %d" % server.sockets[0].getsockname()[1], flush=True)

    def stop_when_stdin_closes():
        sys.stdin.read()
        loop.call_soon_threadsafe(loop.stop)

    threading.Thread(target=stop_when_stdin_closes, daemon=True).start()
    loop.run_forever()
    server.close()


if __name__ == "__main__":
    main()
