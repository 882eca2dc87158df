"""The instrumented consumer for Python user code (handler `ddbs_consumer.handler`).

Same contract as ddbs_consumer.mjs: per invocation one batch line (split into parts above ~200 KB),
the configured work (DDBS_WORK_MS, user code DDBS_USER_MODULE / DDBS_USER_FUNCTION, DDBS_FAIL_RATE,
DDBS_REPORT_FAILURES), then one done line. Marker lines are written as pure JSON, each starting on
a fresh line, flushed at once.
Identity rules mirror ddbs_identity.mjs exactly (a test compares both on tricky keys).
Standard library only.
"""
import base64
import hashlib
import importlib
import inspect
import json
import os
import random
import re
import sys
import time

MARKER_VERSION = "v1"
MAX_LINE_BYTES = 200_000
SEEDED_KEY_PATTERN = re.compile(r"([0-9a-z]{4,20})#(0|[1-9][0-9]{0,8})")
KEY_HASH_LENGTH = 16
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")

# The consumer sits at the zip root, next to the user's modules.
_TASK_ROOT = os.path.dirname(os.path.abspath(__file__))
if _TASK_ROOT not in sys.path:
    sys.path.insert(0, _TASK_ROOT)


def _json_string(s):
    # json.dumps(ensure_ascii=False) escapes like JSON.stringify except lone surrogates, which
    # JSON.stringify writes as \udxxx.
    return _LONE_SURROGATE.sub(lambda m: "\\u%04x" % ord(m.group()), json.dumps(s, ensure_ascii=False))


def _utf16_order(name):
    return name.encode("utf-16-be", "surrogatepass")


def canonical_json(value):
    """Canonical JSON as in ddbs_identity.mjs: keys sorted by UTF-16 code units, no spaces."""
    if isinstance(value, dict):
        names = sorted(value.keys(), key=_utf16_order)
        return "{" + ",".join(_json_string(n) + ":" + canonical_json(value[n]) for n in names) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(canonical_json(v) for v in value) + "]"
    if isinstance(value, str):
        return _json_string(value)
    if isinstance(value, (bytes, bytearray)):
        return _json_string(base64.b64encode(bytes(value)).decode("ascii"))
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return json.dumps(value)


def key_hash(keys):
    data = canonical_json(keys).encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()[:KEY_HASH_LENGTH]


def identify(keys):
    """(run, seq) for a seeded item, else ("#", hash); (run, seq, hash) for a seeded-looking key
    with a sort key (the whole key identifies an item written by another tool)."""
    if isinstance(keys, dict):
        names = sorted(keys.keys(), key=_utf16_order)
        for name in names:
            attr = keys[name]
            s = attr.get("S") if isinstance(attr, dict) else None
            if isinstance(s, str):
                m = SEEDED_KEY_PATTERN.fullmatch(s)
                if m:
                    if len(names) > 1:
                        return (m.group(1), int(m.group(2)), key_hash(keys))
                    return (m.group(1), int(m.group(2)))
    return ("#", key_hash(keys))


VERSION_ATTRIBUTE = "version"
_VERSION_TEXT = re.compile(r"0|[1-9][0-9]{0,14}")
_EVENT_LETTERS = {"INSERT": "I", "MODIFY": "M", "REMOVE": "R"}


def record_mark(record):
    """(version, event letter) of a stream record, as recordVersion/eventLetter in ddbs_identity.mjs:
    the `version` number attribute of the new image (the old one for a REMOVE), else 0."""
    dynamodb = record.get("dynamodb") if isinstance(record, dict) else None
    dynamodb = dynamodb if isinstance(dynamodb, dict) else {}
    image = dynamodb.get("NewImage")
    if image is None:
        image = dynamodb.get("OldImage")
    attr = image.get(VERSION_ATTRIBUTE) if isinstance(image, dict) else None
    n = attr.get("N") if isinstance(attr, dict) else None
    version = int(n) if isinstance(n, str) and _VERSION_TEXT.fullmatch(n) else 0
    event = _EVENT_LETTERS.get(record.get("eventName") if isinstance(record, dict) else None, "?")
    return (version, event)


def _group(ids, marks=None):
    s, h, v, e = {}, [], {}, {}
    for i, ident in enumerate(ids):
        run, value = ident[0], ident[1]
        if run == "#":
            h.append(value)
            continue
        if len(ident) > 2:
            h.append(ident[2])
        s.setdefault(run, []).append(value)
        version, event = marks[i] if marks else (0, "I")
        v.setdefault(run, []).append(version)
        e[run] = e.get(run, "") + event
    out = {"s": s, "h": h}
    versions = {run: vs for run, vs in v.items() if any(x != 0 for x in vs)}
    events = {run: es for run, es in e.items() if any(x != "I" for x in es)}
    if versions:
        out["v"] = versions
    if events:
        out["e"] = events
    return out


def _dumps(obj):
    return json.dumps(obj, separators=(",", ":"))


def encode_batch_lines(rid, t, ids, max_bytes=MAX_LINE_BYTES, first=None, last=None, marks=None):
    head = {"ddbsTest": MARKER_VERSION, "kind": "batch", "rid": rid, "t": t, "n": len(ids)}
    if isinstance(first, str):
        head["f"] = first
    if isinstance(last, str):
        head["l"] = last
    whole = _dumps({**head, "part": 0, "parts": 1, **_group(ids, marks)})
    if len(whole.encode("utf-8")) <= max_bytes:
        return [whole]
    empty = len(_dumps({**head, "part": 99999, "parts": 99999, "s": {}, "h": []}).encode("utf-8"))
    budget = max(64, max_bytes - empty)
    marks = marks or [(0, "I")] * len(ids)
    marked = {ident[0] for ident, m in zip(ids, marks) if ident[0] != "#" and m != (0, "I")}

    def size_of(ident, mark, runs):
        # Mirrors entryBytes in ddbs_lines.mjs.
        run, value = ident[0], ident[1]
        extra = len(ident[2]) + 3 if len(ident) > 2 else 0
        if run == "#":
            return len(value) + 3
        name = (len(run) + 6) * (3 if run in marked else 1)
        size = extra + len(str(value)) + 1 + (0 if run in runs else name)
        if run in marked:
            size += len(str(mark[0])) + 2
        return size

    chunks, chunk, used, runs = [], [], 0, set()
    for i, ident in enumerate(ids):
        if chunk and used + size_of(ident, marks[i], runs) > budget:
            chunks.append(chunk)
            chunk, used, runs = [], 0, set()
        chunk.append(i)
        used += size_of(ident, marks[i], runs)
        if ident[0] != "#":
            runs.add(ident[0])
    if chunk:
        chunks.append(chunk)
    return [_dumps({**head, "part": n, "parts": len(chunks), **_group([ids[i] for i in c], [marks[i] for i in c])})
            for n, c in enumerate(chunks)]


class _LineStartTracker:
    """Wraps sys.stdout to know whether the last character written ended a line: the handler shares
    stdout and may leave text without a newline (sys.stdout.write("x ")); marker lines must start
    on a fresh line to be found."""

    def __init__(self, stream):
        self._stream = stream
        self.at_line_start = True

    def write(self, text):
        if isinstance(text, str) and text:
            self.at_line_start = text.endswith("\n")
        return self._stream.write(text)

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _stdout():
    if not isinstance(sys.stdout, _LineStartTracker):
        sys.stdout = _LineStartTracker(sys.stdout)
    return sys.stdout


def _emit(line):
    out = _stdout()
    prefix = "" if out.at_line_start else "\n"
    out.write(prefix + line + "\n")
    out.flush()


def _done(rid, ok=False, all_failed=False, failed=None, failed_marks=None):
    line = {"ddbsTest": MARKER_VERSION, "kind": "done", "rid": rid, "ok": ok}
    if not ok and all_failed:
        line["all"] = True
    elif not ok:
        line["failed"] = _group(failed, failed_marks)
    _emit(_dumps(line))


def _config():
    def number(name):
        try:
            return float(os.environ.get(name, "0") or "0")
        except ValueError:
            return 0.0
    return {
        "work_ms": max(0.0, number("DDBS_WORK_MS")),
        "fail_rate": min(1.0, max(0.0, number("DDBS_FAIL_RATE"))),
        "report_failures": os.environ.get("DDBS_REPORT_FAILURES") in ("1", "true"),
        "user_module": os.environ.get("DDBS_USER_MODULE") or None,
        "user_function": os.environ.get("DDBS_USER_FUNCTION") or "handler",
    }


_user_function = None  # loaded once per execution environment, like Lambda's init phase


def _load_user_function(config):
    global _user_function
    if _user_function is None:
        module = importlib.import_module(config["user_module"].replace("/", "."))
        fn = getattr(module, config["user_function"], None)
        if not callable(fn):
            raise AttributeError(
                "Handler '%s' missing on module '%s'" % (config["user_function"], config["user_module"]))
        _user_function = fn
    return _user_function


def _user_failures(result, batch_seqs):
    """Failed sequence numbers of a partial batch response; None = the whole batch failed.
    Mirrors the event source mapping's rule (AWS's documented success forms): None, {}, a dict
    without batchItemFailures (or None or [] there) and an empty list are success; any other
    response ('ok', a number, a non-empty list, a non-list batchItemFailures, a bad entry) fails."""
    if result is None:
        return set()
    if isinstance(result, list):
        return set() if len(result) == 0 else None
    if not isinstance(result, dict):
        return None
    items = result.get("batchItemFailures")
    if items is None:
        return set()
    if not isinstance(items, list):
        return None
    failed = set()
    for entry in items:
        ident = entry.get("itemIdentifier") if isinstance(entry, dict) else None
        if not isinstance(ident, str) or ident == "" or ident not in batch_seqs:
            return None
        failed.add(ident)
    return failed


# Lambda's limit on a synchronous invocation's response (bytes of its JSON).
MAX_RESPONSE_BYTES = 6_291_556


def _is_returnable(response):
    """Whether Lambda can return the response: the runtime serializes it with json.dumps after the
    handler returned (failing: Runtime.MarshalError) and the platform refuses a body over
    MAX_RESPONSE_BYTES (Function.ResponseSizeTooLarge). Either fails the whole batch."""
    try:
        body = json.dumps(response)
    except (TypeError, ValueError, RecursionError):
        return False
    return len(body.encode("utf-8")) <= MAX_RESPONSE_BYTES


def handler(event, context):
    t = int(time.time() * 1000)
    rid = str(getattr(context, "aws_request_id", "") or "")
    records = event.get("Records") if isinstance(event, dict) else None
    records = records if isinstance(records, list) else []
    ids = [identify((r.get("dynamodb") or {}).get("Keys") if isinstance(r, dict) else None) for r in records]
    marks = [record_mark(r) for r in records]
    seqs = [q for q in ((r.get("dynamodb") or {}).get("SequenceNumber") if isinstance(r, dict) else None for r in records) if isinstance(q, str)]
    for line in encode_batch_lines(rid, t, ids, first=seqs[0] if seqs else None, last=seqs[-1] if seqs else None, marks=marks):
        _emit(line)

    config = _config()
    result = None
    try:
        if config["work_ms"] > 0:
            time.sleep(config["work_ms"] / 1000.0)
        if config["user_module"]:
            result = _load_user_function(config)(event, context)
            if inspect.iscoroutine(result):
                import asyncio
                result = asyncio.run(result)
        if config["fail_rate"] > 0 and not config["report_failures"] and random.random() < config["fail_rate"]:
            raise RuntimeError("ddbs-test injected failure (DDBS_FAIL_RATE=%s)" % config["fail_rate"])
    except BaseException:
        _done(rid, all_failed=True)
        raise
    response, outcome = _settle(result, records, ids, marks, config)
    # The outcome line is only true if Lambda can hand the response back.
    _done(rid, **(outcome if _is_returnable(response) else {"all_failed": True}))
    return response


def _settle(result, records, ids, marks, config):
    """The response the handler returns and the outcome (keyword arguments of _done) that goes with it."""
    if not config["report_failures"]:
        return result, {"ok": True}

    def seq_of(r):
        seq = (r.get("dynamodb") or {}).get("SequenceNumber") if isinstance(r, dict) else None
        return seq if isinstance(seq, str) else None

    failed = _user_failures(result, {seq_of(r) for r in records if seq_of(r)})
    if failed is None:
        return result, {"all_failed": True}  # Lambda treats an invalid partial response as a full failure
    if config["fail_rate"] > 0:
        for r in records:
            if seq_of(r) and random.random() < config["fail_rate"]:
                failed.add(seq_of(r))
    if not failed:
        return result, {"ok": True}
    response = dict(result) if isinstance(result, dict) else {}
    response["batchItemFailures"] = [{"itemIdentifier": seq_of(r)} for r in records if seq_of(r) in failed]
    chosen = [i for i, r in enumerate(records) if seq_of(r) in failed]
    return response, {"failed": [ids[i] for i in chosen], "failed_marks": [marks[i] for i in chosen]}
