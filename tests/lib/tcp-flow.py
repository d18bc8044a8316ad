#!/usr/bin/env python3
"""Bulk TCP for teardown.sh, one process per role:

  tcp-flow.py server PORT     accept connections, read and discard
  tcp-flow.py client DST PORT send as fast as the connection takes, and
                              reconnect (every 0.2 s) whenever it breaks,
                              so that traffic resumes by itself once the
                              tunnel is back

Both run until killed.
"""
import socket
import sys
import threading
import time


def drain(conn):
    try:
        while conn.recv(65536):
            pass
    except OSError:
        pass
    conn.close()


def server(port):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("0.0.0.0", port))
    srv.listen(16)
    while True:
        conn, _ = srv.accept()
        # A connection whose peer vanished with its tunnel must not pile up.
        conn.settimeout(20)
        threading.Thread(target=drain, args=(conn,), daemon=True).start()


def client(dst, port):
    buf = b"rvti" * 16384
    while True:
        conn = None
        try:
            conn = socket.create_connection((dst, port), timeout=5)
            while True:
                conn.sendall(buf)
        except OSError:
            time.sleep(0.2)
        finally:
            if conn is not None:
                conn.close()


if __name__ == "__main__":
    if sys.argv[1] == "server":
        server(int(sys.argv[2]))
    else:
        client(sys.argv[2], int(sys.argv[3]))
