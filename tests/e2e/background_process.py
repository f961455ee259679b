"""What the test harnesses' child processes (hyperd, Prometheus) share: a temporary directory,
a log file capturing the child's output, SIGTERM with a deadline, clean-up, and use as a context
manager.

Subclasses create self._dir (via make_dir), open self._log (via open_log) and set
self._process in their start(), which returns self.
"""

import os
import shutil
import signal
import subprocess
import tempfile

STOP_DEADLINE_S = 30.0


class BackgroundProcess:

    def __init__(self):
        self._dir = None
        self._process = None
        self._log = None

    def make_dir(self, prefix):
        self._dir = tempfile.mkdtemp(prefix=prefix)
        return self._dir

    def open_log(self, name):
        self._log = open(os.path.join(self._dir, name), "w+b")
        return self._log

    def log_text(self):
        """The last 20,000 characters the process wrote."""
        if self._log is None:
            return ""
        self._log.flush()
        self._log.seek(0)
        return self._log.read().decode(errors="replace")[-20000:]

    def stop(self):
        """SIGTERMs the process and returns its exit code (None if it was not started; a
        message if it ignored SIGTERM and had to be killed)."""
        if self._process is None:
            return None
        code = self._process.poll()
        if code is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                code = self._process.wait(timeout=STOP_DEADLINE_S)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
                code = f"no exit within {STOP_DEADLINE_S}s of SIGTERM (killed)"
        self._process = None
        return code

    def cleanup(self):
        """Stops the process (if running) and removes its directory."""
        self.stop()
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.cleanup()
        return False
