#!/usr/bin/env python3
"""A vigia-exec/1 plugin that serves items from a JSON file (Python 3, stdlib only).

Per-account options:
  items_file   path of a JSON file {"profile": {...}, "items": [...], "deletions": [...]}
               whose entries use the field names of PROTOCOL.md (without "type")
  page_size    items per Poll (default 100); "more" is true while items remain
  require_token  "true" makes a missing "token" credential an auth error

The cursor is base64 of {"offset": N}: the number of items already served.
See connectors/exec/PROTOCOL.md.
"""
import base64
import json
import sys


def emit(obj):
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n")


def fail(kind, message):
    emit({"type": "error", "kind": kind, "message": message})
    sys.stdout.flush()
    sys.exit(0)


def main():
    req = json.loads(sys.stdin.readline())
    if req.get("protocol") != "vigia-exec/1":
        fail("malformed", "unsupported protocol")
    acct = req["account"]
    opts = acct.get("options") or {}
    if opts.get("require_token") == "true" and not (acct.get("credentials") or {}).get("token"):
        fail("auth", "no token credential")
    path = opts.get("items_file")
    if not path:
        fail("not_found", "option items_file is not set")
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        fail("not_found", "items_file does not exist")
    except (OSError, ValueError) as e:
        fail("transient", "cannot read items_file: %s" % type(e).__name__)
    # Diagnostics go to stderr; the agent logs them at warn.
    print("static plugin: %d items in file" % len(data.get("items", [])), file=sys.stderr)

    offset = 0
    if req.get("cursor"):
        offset = json.loads(base64.b64decode(req["cursor"]))["offset"]
    page = int(opts.get("page_size", "100"))
    items = data.get("items", [])
    for it in items[offset:offset + page]:
        emit(dict(it, type="item"))
    if offset == 0:
        for d in data.get("deletions", []):
            emit(dict(d, type="deletion"))
    if data.get("profile"):
        emit(dict(data["profile"], type="profile"))
    served = min(offset + page, len(items))
    cursor = base64.b64encode(json.dumps({"offset": served}).encode()).decode()
    emit({"type": "end", "cursor": cursor, "more": served < len(items),
          "budget": {"calls": 1, "items": served - offset, "remaining": -1}})


if __name__ == "__main__":
    main()
