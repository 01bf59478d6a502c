"""Stopping the guard while a question waits (Ctrl-C during the question): the process ends
at once, with no asyncio traceback on the terminal and no thread left reading."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_stopping_with_a_question_pending_prints_nothing(tmp_path):
    script = textwrap.dedent(f"""
        import http.server, socket, socketserver, threading, time
        from runner.guard.guard import Guard

        class Engine(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # the guard inspects the object before asking
                body = b'{{"Id": "0123456789abcdef", "Name": "/canary"}}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass

        class UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
            daemon_threads = True
            def get_request(self):
                request, _ = super().get_request()
                return request, ("local", 0)

        engine = UnixServer("{tmp_path}/engine.sock", Engine)
        threading.Thread(target=engine.serve_forever, daemon=True).start()
        asked = threading.Event()
        def ask(question):
            asked.set()
            time.sleep(3600)  # nobody answers
        guard = Guard("unix://{tmp_path}/engine.sock", sandbox=False, ask=ask)
        path = guard.start()
        client = socket.socket(socket.AF_UNIX)
        client.connect(str(path))
        client.sendall(b"DELETE /containers/canary?force=1 HTTP/1.1\\r\\nHost: d\\r\\n\\r\\n")
        assert asked.wait(10)
        guard.stop()
        print("STOPPED")
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=30)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "STOPPED"
    assert done.stderr == ""
