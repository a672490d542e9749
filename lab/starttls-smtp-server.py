"""A tiny SMTP server for the DANE lab: just enough for a STARTTLS client to reach the TLS
handshake (220, EHLO -> 250 STARTTLS, STARTTLS -> 220, then TLS with the given certificate).

usage: starttls-smtp-server.py CHAIN.pem KEY.pem LIFETIME_SECONDS [no-starttls]
Listens on a free 127.0.0.1 port, prints it, and exits after LIFETIME_SECONDS without a connection.
The files are read again for each connection, so a renewal that replaces them takes effect at once.
With no-starttls it does not offer STARTTLS (a server a DANE sender must not deliver to).
"""
import signal, socket, ssl, sys

# A parent that blocks or ignores SIGTERM (a test runner does) passes that on: take it back, so
# `kill PID` stops the server.
signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
signal.signal(signal.SIGTERM, signal.SIG_DFL)

cert, key, lifetime = sys.argv[1], sys.argv[2], float(sys.argv[3])
offer_tls = "no-starttls" not in sys.argv[4:]
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(4)
listener.settimeout(lifetime)
print(listener.getsockname()[1], flush=True)


def converse(reader, send, after_tls):
    while True:
        line = reader.readline()
        if not line:
            return None
        command = line.strip().upper()
        if command.startswith(b"EHLO"):
            send(b"250 mx1.example.test\r\n" if after_tls or not offer_tls else b"250-mx1.example.test\r\n250 STARTTLS\r\n")
        elif command == b"STARTTLS" and not after_tls and offer_tls:
            send(b"220 2.0.0 ready to start TLS\r\n")
            return "tls"
        elif command == b"QUIT":
            send(b"221 2.0.0 bye\r\n")
            return None
        else:
            send(b"250 2.0.0 ok\r\n")


while True:
    try:
        connection, _ = listener.accept()
    except socket.timeout:
        break
    connection.settimeout(5)
    try:
        connection.sendall(b"220 mx1.example.test ESMTP lab\r\n")
        if converse(connection.makefile("rb"), connection.sendall, False) == "tls":
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert, key)
            tls = context.wrap_socket(connection, server_side=True)
            converse(tls.makefile("rb"), tls.sendall, True)
            tls.close()
    except Exception as error:
        print("connection failed:", error, file=sys.stderr, flush=True)
    finally:
        connection.close()
