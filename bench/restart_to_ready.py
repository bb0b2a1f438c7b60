"""Kills the app pod's sidecar and prints the milliseconds from the new sidecar's process start to its first 200 from
the admin /ready. Polling starts at the kill, so that 200 is seen within 2 ms of readiness.
Usage: restart_to_ready.py HOME/pods.json"""
import json
import os
import sys
import time
import urllib.error
import urllib.request


def app():
    with open(sys.argv[1]) as f:
        return {p["deployment"]: p for p in json.load(f)}["app"]


def uptime():
    with open("/proc/uptime") as f:
        return float(f.read().split()[0])


old = app()
os.kill(old["sidecarPid"], 9)
deadline = time.monotonic() + 60
while True:
    if time.monotonic() > deadline:
        sys.exit("the sidecar was not ready again within 60 s")
    try:
        if urllib.request.urlopen(f"http://127.0.0.1:{old['adminPort']}/ready", timeout=1).status == 200:
            break
    except (urllib.error.URLError, ConnectionError):
        pass
    time.sleep(0.002)
ready = uptime()
while (pid := app()["sidecarPid"]) in (None, old["sidecarPid"]):
    time.sleep(0.01)
with open(f"/proc/{pid}/stat") as f:
    started = int(f.read().rsplit(")", 1)[1].split()[19]) / os.sysconf("SC_CLK_TCK")
print(round((ready - started) * 1000))
