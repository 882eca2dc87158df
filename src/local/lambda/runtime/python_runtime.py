# The Python runtime of a local execution environment, run on the local python3.
# Loads the handler once (init), then serves one invocation at a time over the private channel
# (fd 3 in, fd 4 out; frame format in frames.ts). print() output goes to stdout untouched; the logging
# module is formatted like AWS's Python runtime and sent as one record per call.
import importlib
import json
import logging
import os
import resource
import struct
import sys
import time
import traceback

PHASE_MARKER = "\u0000\u001e__ddbs_lambda_phase_end__\u0000\n"
IN_FD, OUT_FD = 3, 4
current_request_id = None
# The running invocation's deadline (ms since the epoch); None between invocations.
current_deadline = None


def frozen():
    """At its deadline an invocation's environment is frozen, as Lambda freezes it when the timeout
    ends the invocation: nothing it logs or returns afterwards is seen. Judged by the clock at each
    write, so a stack too busy to kill the environment on time cannot let late output through."""
    return current_deadline is not None and time.time() * 1000 >= current_deadline


class FreezableStream:
    """stdout/stderr that drop writes once the invocation is frozen."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        return len(text) if frozen() else self._stream.write(text)

    def __getattr__(self, name):
        return getattr(self._stream, name)


def send(header, body=b""):
    if header.get("t") in ("log", "ok", "err") and frozen():
        return
    if isinstance(body, str):
        body = body.encode("utf-8")
    h = json.dumps(header).encode("utf-8")
    data = struct.pack(">II", len(h), len(body)) + h + body
    view = memoryview(data)
    while view:
        n = os.write(OUT_FD, view)
        view = view[n:]


def end_phase(header, body=b""):
    while frozen():
        time.sleep(60)  # too late: Lambda would have ended this environment; the stack will
    sys.stdout.flush()
    sys.stderr.flush()
    sys.stdout.write(PHASE_MARKER)
    sys.stdout.flush()
    sys.stderr.write(PHASE_MARKER)
    sys.stderr.flush()
    header["o"] = 1
    header["e"] = 1
    header["m"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + 1023) // 1024
    send(header, body)


def read_exact(n):
    chunks = []
    while n > 0:
        chunk = os.read(IN_FD, min(n, 1 << 20))
        if not chunk:
            sys.exit(0)  # the stack went away: never linger as an orphan
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def iso_now(ts=None):
    ts = time.time() if ts is None else ts
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + ".%03dZ" % (int(ts * 1000) % 1000)


class LambdaLogHandler(logging.Handler):
    """`[LEVEL]\\t<ts>\\t<requestId>\\t<message>`, one CloudWatch event per record (multi-line included)."""

    def emit(self, record):
        try:
            msg = self.format(record)
            ts = record.created
            send({"t": "log", "ts": int(ts * 1000)}, "[%s]\t%s\t%s\t%s" % (record.levelname, iso_now(ts), current_request_id, msg))
        except Exception:
            self.handleError(record)


def error_payload(exc, request_id):
    tb = exc.__traceback__
    if tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next  # the runtime's own frame, as AWS leaves it out
    tb = traceback.extract_tb(tb)
    return {
        "errorMessage": str(exc),
        "errorType": type(exc).__name__,
        "requestId": request_id,
        "stackTrace": traceback.format_list(tb),
    }


def log_error(payload):
    lines = "".join(payload["stackTrace"]).rstrip("\n").replace("  ", "\u00a0\u00a0")
    text = "[ERROR] %s: %s\nTraceback (most recent call last):\n%s" % (payload["errorType"], payload["errorMessage"], lines)
    send({"t": "log", "ts": int(time.time() * 1000)}, text)


class LambdaContext:
    def __init__(self, header):
        self.aws_request_id = header["id"]
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = header["arn"]
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.identity = None
        self.client_context = header.get("cc")
        self._deadline = header["deadline"]

    def get_remaining_time_in_millis(self):
        return max(int(self._deadline - time.time() * 1000), 0)


def load_handler():
    spec = os.environ.get("_HANDLER", "")
    module_path, _, fn_name = spec.rpartition(".")
    if not module_path or not fn_name:
        raise RuntimeErrorWithType("Runtime.MalformedHandlerName", "Bad handler '%s': not enough values to unpack (expected 2, got 1)" % spec)
    module_name = module_path.replace("/", ".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        raise RuntimeErrorWithType("Runtime.ImportModuleError", "Unable to import module '%s': %s" % (module_path, e))
    except SyntaxError as e:
        raise RuntimeErrorWithType("Runtime.UserCodeSyntaxError", "Syntax error in module '%s': %s" % (module_path, e))
    handler = getattr(module, fn_name, None)
    if handler is None:
        raise RuntimeErrorWithType("Runtime.HandlerNotFound", "Handler '%s' missing on module '%s'" % (fn_name, module_path))
    return handler


class RuntimeErrorWithType(Exception):
    def __init__(self, error_type, message):
        super().__init__(message)
        self.error_type = error_type


def main():
    global current_request_id, current_deadline
    sys.stdout.reconfigure(line_buffering=True)
    sys.stderr.reconfigure(line_buffering=True)
    sys.stdout = FreezableStream(sys.stdout)
    sys.stderr = FreezableStream(sys.stderr)
    task_root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
    if task_root not in sys.path:
        sys.path.insert(0, task_root)
    root = logging.getLogger()
    root.handlers = [LambdaLogHandler()]
    root.setLevel(logging.INFO)
    try:
        handler = load_handler()
    except Exception as e:
        error_type = getattr(e, "error_type", type(e).__name__)
        payload = {"errorMessage": str(e), "errorType": error_type, "requestId": "", "stackTrace": []}
        send({"t": "log", "ts": int(time.time() * 1000)}, "[ERROR] %s: %s\nTraceback (most recent call last):" % (error_type, str(e)))
        end_phase({"t": "initError"}, json.dumps(payload))
        return
    end_phase({"t": "ready"})
    while True:
        h_len, b_len = struct.unpack(">II", read_exact(8))
        header = json.loads(read_exact(h_len))
        body = read_exact(b_len) if b_len else b""
        if header.get("t") != "invoke":
            continue
        try:
            event = json.loads(body) if body else {}
        except ValueError as e:
            send({"t": "badEvent", "id": header["id"], "message": str(e)})
            continue
        current_request_id = header["id"]
        current_deadline = header.get("deadline")
        try:
            result = handler(event, LambdaContext(header))
            try:
                out = json.dumps(result)
            except (TypeError, ValueError) as e:
                payload = {"errorMessage": "Unable to marshal response: %s" % e, "errorType": "Runtime.MarshalError", "requestId": header["id"], "stackTrace": []}
                end_phase({"t": "err", "id": header["id"]}, json.dumps(payload))
                continue
            end_phase({"t": "ok", "id": header["id"]}, out)
        except Exception as e:  # SystemExit is not caught: it ends the environment like on AWS
            payload = error_payload(e, header["id"])
            log_error(payload)
            end_phase({"t": "err", "id": header["id"]}, json.dumps(payload))
        finally:
            current_request_id = None
            current_deadline = None


if __name__ == "__main__":
    main()
