"""``files.*``: Slack's three-step upload (ask for a URL, POST the bytes, complete and share)."""

from __future__ import annotations

import copy
import mimetypes
from email.message import Message
from typing import Any

from bot.demo.fake_slack.http_server import Reply, parse_body
from bot.demo.fake_slack.rules import SlackError
from bot.demo.fake_slack.workspace import File, Method, Workspace


def get_upload_url(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    filename = args.get("filename")
    try:
        length = int(args.get("length", ""))
    except ValueError as exc:
        raise SlackError("invalid_arguments", ["[ERROR] length must be an integer"]) from exc
    if not filename or length < 1:
        raise SlackError("invalid_arguments")
    file_id = f"F{ws.next_number():08d}"
    ws.files[file_id] = File(file_id, str(filename), length, args.get("alt_txt"))
    return {"upload_url": f"{ws.base_url}/upload/{file_id}", "file_id": file_id}


def serve_upload(ws: Workspace, file_id: str, headers: Message, body: bytes) -> Reply:
    """The POST to an upload URL: raw bytes, or the file part of a multipart form."""
    content_type = headers.get("Content-Type") or ""
    if content_type.lower().startswith("multipart/form-data"):
        parts = parse_body(content_type, body)
        body = next((v for v in parts.values() if isinstance(v, bytes)), body)
    with ws.lock:
        upload = ws.files.get(file_id)
        if upload is None:
            return Reply.text("file_not_found", status=404)
        upload.content = body
    return Reply.text(f"OK - {len(body)}", content_type="text/plain; charset=utf-8")


def complete_upload(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """Title uploaded files and share them, one ``file_share`` message per channel."""
    wanted = args.get("files")
    if not isinstance(wanted, list) or not wanted:
        raise SlackError("invalid_arguments")
    uploads: list[tuple[File, dict[str, Any]]] = []
    for entry in wanted:
        upload = ws.files.get(str(entry.get("id", ""))) if isinstance(entry, dict) else None
        if upload is None or upload.content is None:
            raise SlackError("file_not_found")
        uploads.append((upload, entry))
    channels = [c for c in str(args.get("channels") or "").split(",") if c]
    if args.get("channel_id"):
        channels.insert(0, str(args["channel_id"]))
    channel_ids = [ws.resolve_channel(c) for c in channels]
    for channel in channel_ids:
        ws.check_postable(channel)
    for upload, entry in uploads:
        upload.title = str(entry.get("title") or upload.name)
        upload.channels.extend(channel_ids)
    shared = [file_dict(ws, upload) for upload, _ in uploads]
    for channel in channel_ids:
        ts = ws.next_ts()
        ws.messages.setdefault(channel, {})[ts] = {
            "channel": channel,
            "type": "message",
            "subtype": "file_share",
            "text": str(args.get("initial_comment") or ""),
            "user": ws.bot_user_id,
            "bot_id": ws.bot_id,
            "ts": ts,
            "files": copy.deepcopy(shared),
            **({"thread_ts": args["thread_ts"]} if args.get("thread_ts") else {}),
        }
    return {"files": shared}


def file_dict(ws: Workspace, upload: File) -> dict[str, Any]:
    """A file as Slack describes one in ``files.completeUploadExternal`` and ``file_share`` messages."""
    described = {
        "id": upload.id,
        "name": upload.name,
        "title": upload.title or upload.name,
        "size": len(upload.content) if upload.content is not None else upload.length,
        "mimetype": mimetypes.guess_type(upload.name)[0] or "application/octet-stream",
        "channels": list(upload.channels),
        "user": ws.bot_user_id,
    }
    if upload.alt_txt:
        described["alt_txt"] = upload.alt_txt
    return described


METHODS: dict[str, Method] = {
    "files.getUploadURLExternal": get_upload_url,
    "files.completeUploadExternal": complete_upload,
}
