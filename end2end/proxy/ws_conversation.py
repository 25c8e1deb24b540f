"""One chat conversation over Confab's /ws, for scripts/proxy-e2e.sh (through nginx).

A widget visitor authenticates with its token, subscribes to its chat and sends a message; it
must get `sent` back. A staff member, authenticated by the session cookie at the upgrade (as a
browser on Confab's own page: hence the Origin), subscribed to the same chat, must receive
the message as `new_message`. Every wait has a deadline; any failure exits non-zero with a
message saying which step failed.

Usage: ws_conversation.py WS_URL ORIGIN VISITOR_TOKEN CHAT_ID STAFF_COOKIE
  (STAFF_COOKIE as in a Cookie header: confab_session=...)
"""

import json
import sys
import time
import uuid

from websockets.sync.client import ClientConnection, connect

# Seconds any one step (connecting, an answer to a frame) may take.
TIMEOUT = 10


class Failure(Exception):
    """A check failed; the message says which."""


def open_socket(url: str, who: str, **options) -> ClientConnection:
    """Opens the socket; `proxy=None` so an HTTP(S)_PROXY in the environment is never used."""
    try:
        return connect(url, proxy=None, open_timeout=TIMEOUT, close_timeout=TIMEOUT, **options)
    except Exception as err:  # any refusal, whatever the library calls it
        raise Failure(f"{who}: could not open {url}: {type(err).__name__}: {err}") from err


def send(ws: ClientConnection, frame: dict) -> None:
    ws.send(json.dumps(frame))


def expect(ws: ClientConnection, who: str, wanted: str, matches=lambda frame: True) -> dict:
    """Reads frames until one of type `wanted` that `matches`; other frames (the sender's own
    copy of a message, typing, list updates) are skipped, an `error` frame fails."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        remaining = deadline - time.monotonic()
        try:
            if remaining <= 0:
                raise TimeoutError
            frame = json.loads(ws.recv(timeout=remaining))
        except TimeoutError:
            raise Failure(f"{who}: no {wanted!r} frame within {TIMEOUT} s") from None
        except Exception as err:  # closed, or not JSON
            raise Failure(f"{who}: socket failed while waiting for {wanted!r}: "
                          f"{type(err).__name__}: {err}") from err
        if frame.get("type") == "error":
            raise Failure(f"{who}: an error frame while waiting for {wanted!r}: {frame}")
        if frame.get("type") == wanted and matches(frame):
            return frame


def conversation(url: str, origin: str, token: str, chat_id: str, staff_cookie: str) -> None:
    with open_socket(url, "visitor") as visitor, open_socket(
        url, "staff", origin=origin, additional_headers={"Cookie": staff_cookie}
    ) as staff:
        # Staff: the cookie at the upgrade authenticates at once, no frame needed.
        ready = expect(staff, "staff", "ready")
        if ready["user"].get("role") != "admin":
            raise Failure(f"staff: ready as {ready['user']}, not as staff")
        send(staff, {"type": "subscribe", "channel": "chat", "chat_id": chat_id})
        expect(staff, "staff", "subscribed", lambda f: f.get("chat_id") == chat_id)

        # Visitor: the widget token in the first frame.
        send(visitor, {"type": "auth", "token": token})
        expect(visitor, "visitor", "ready")
        send(visitor, {"type": "subscribe", "channel": "chat", "chat_id": chat_id})
        expect(visitor, "visitor", "subscribed", lambda f: f.get("chat_id") == chat_id)

        client_id = str(uuid.uuid4())
        content = f"hello through the proxy {client_id[:8]}"
        send(visitor, {"type": "send_message", "chat_id": chat_id, "content": content,
                       "client_id": client_id})
        sent = expect(visitor, "visitor", "sent", lambda f: f.get("client_id") == client_id)
        if sent["message"].get("content") != content:
            raise Failure(f"visitor: sent {content!r}, the server stored {sent['message']}")

        message_id = sent["message"]["id"]
        expect(staff, "staff", "new_message",
               lambda f: f.get("chat_id") == chat_id and f["message"].get("id") == message_id)


def main() -> int:
    if len(sys.argv) != 6:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        conversation(*sys.argv[1:])
    except Failure as failure:
        print(f"ws conversation failed: {failure}", file=sys.stderr)
        return 1
    except Exception as err:  # e.g. the socket closed under a send, or a malformed frame
        print(f"ws conversation failed: {type(err).__name__}: {err}", file=sys.stderr)
        return 1
    print("ws conversation: visitor's message sent, and delivered live to staff")
    return 0


if __name__ == "__main__":
    sys.exit(main())
