"""A real SMTP server (aiosmtpd) for failure tests, storing accepted mail in a Maildir.

Recipients choose the failure: bounce*@ -> 550 at RCPT (permanent), tempfail*@ -> 451 at RCPT (transient),
drop*@ -> the connection is closed after the message data arrived, before the reply (outcome unknown).
Usage: python3 faulty_smtp.py PORT MAILDIR. Exits when stdin closes.
"""
import sys
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox


class Faulty(Mailbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("bounce"):
            return "550 5.1.1 No such mailbox"
        if address.startswith("tempfail"):
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if any(r.startswith("drop") for r in envelope.rcpt_tos):
            server.transport.close()
            return "250 OK"
        return await super().handle_DATA(server, session, envelope)


port, maildir = int(sys.argv[1]), sys.argv[2]
controller = Controller(Faulty(maildir), hostname="127.0.0.1", port=port)
controller.start()
print("READY", flush=True)
sys.stdin.read()
controller.stop()
