#!/usr/bin/env python3
"""A slow client: opens CONNECTIONS connections and sends each request's headers one byte every
DELAY seconds, for at most SECONDS. Prints how many connections the server closed on its own
(a header read timeout) as JSON. usage: slow_client.py HOST PORT CONNECTIONS DELAY SECONDS"""
import json, socket, sys, threading, time

host, port, connections, delay, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
request = b"POST /fhir/$verify-signature HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"
closed = 0
lock = threading.Lock()

def worker():
    global closed
    s = socket.create_connection((host, port))
    s.settimeout(delay)
    start = time.time()
    for byte in request:
        if time.time() - start > seconds:
            break
        try:
            s.sendall(bytes([byte]))
            data = s.recv(1024)
            if data == b"" or data.startswith(b"HTTP/1.1 408"):
                with lock: closed += 1
                break
            if data:
                with lock: closed += 1
                break
        except socket.timeout:
            continue
        except OSError:
            with lock: closed += 1
            break
    s.close()

pool = [threading.Thread(target=worker) for _ in range(connections)]
for t in pool: t.start()
for t in pool: t.join()
print(json.dumps({"connections": connections, "closed_by_server": closed}))
