#!/usr/bin/env python3
"""Load for the SIGTERM test: THREADS keep-alive clients POST the signed Bundle to
$verify-signature until the server stops answering (or SECONDS pass). Each request ends as
one of: complete (a full 200 response), refused/closed-before-answer (the server had stopped
accepting, or closed an idle connection: no byte of an answer came back), or incomplete (an
answer that started and did not finish: a failure). Prints the counts as JSON.
usage: shutdown_client.py HOST PORT BODY_FILE THREADS SECONDS
"""
import http.client, json, sys, threading, time

host, port, body_file, threads, seconds = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
body = open(body_file, "rb").read()
counts = {"complete": 0, "not_answered": 0, "incomplete": 0, "other_status": 0}
lock = threading.Lock()
deadline = time.time() + seconds

def worker():
    conn = None
    refused_in_a_row = 0
    while time.time() < deadline and refused_in_a_row < 20:
        try:
            if conn is None:
                conn = http.client.HTTPConnection(host, port, timeout=30)
            conn.request("POST", "/fhir/$verify-signature", body, {"Content-Type": "application/fhir+json"})
            try:
                response = conn.getresponse()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                with lock: counts["not_answered"] += 1
                conn.close(); conn = None
                continue
            try:
                response.read()
            except (http.client.IncompleteRead, ConnectionResetError):
                with lock: counts["incomplete"] += 1
                conn.close(); conn = None
                continue
            with lock:
                counts["complete" if response.status == 200 else "other_status"] += 1
            refused_in_a_row = 0
            if response.getheader("Connection", "").lower() == "close":
                conn.close(); conn = None
        except (ConnectionRefusedError, ConnectionResetError, BrokenPipeError, OSError):
            with lock: counts["not_answered"] += 1
            refused_in_a_row += 1
            if conn is not None:
                conn.close(); conn = None
            time.sleep(0.01)

pool = [threading.Thread(target=worker) for _ in range(threads)]
for t in pool: t.start()
for t in pool: t.join()
print(json.dumps(counts))
