"""Read a response's body within a size cap and a deadline, inflating gzip and deflate in
bounded steps so that a decompression bomb stops at the cap."""

import time
import zlib
from collections.abc import Iterator

import httpx

from .fetch_errors import FetchError

# Output of one decompression step: bounds memory even when a few bytes inflate to gigabytes.
_INFLATE_STEP = 64 * 1024
_INFLATED_ENCODINGS = {"gzip", "x-gzip", "deflate"}


def read_body(response: httpx.Response, max_bytes: int, expires: float) -> bytes:
    """Read the decoded body, stopping at ``max_bytes`` or at the ``expires`` monotonic time."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit():
        _check_progress(int(declared), max_bytes, expires)
    chunks = _raw_chunks(response, max_bytes, expires)
    # Only the encodings we asked for are decoded; anything else is passed on as sent.
    encoding = response.headers.get("content-encoding", "").strip().lower()
    if encoding in _INFLATED_ENCODINGS:
        chunks = _inflate(chunks, raw_fallback=encoding == "deflate")
    body = bytearray()
    for chunk in chunks:
        body += chunk
        _check_progress(len(body), max_bytes, expires)
    return bytes(body)


def _raw_chunks(response: httpx.Response, max_bytes: int, expires: float) -> Iterator[bytes]:
    # Checked on the wire too: a compressed stream can take forever to produce any output.
    received = 0
    for chunk in response.iter_raw():
        received += len(chunk)
        _check_progress(received, max_bytes, expires)
        yield chunk


def _check_progress(size: int, max_bytes: int, expires: float) -> None:
    if size > max_bytes:
        raise FetchError("too_large", f"the page is larger than {max_bytes:,} bytes")
    # Read timeouts only bound each read; a server dripping bytes must also meet the deadline.
    if time.monotonic() > expires:
        raise FetchError("timeout", "the page took too long to download")


def _inflate(chunks: Iterator[bytes], raw_fallback: bool = False) -> Iterator[bytes]:
    """Decompress gzip or deflate one bounded step at a time, so a bomb stops at the cap."""
    decoder = zlib.decompressobj(zlib.MAX_WBITS | 32)  # gzip or zlib-wrapped deflate
    # Servers also send "deflate" without zlib's header, which browsers accept: the input
    # read before any output, to read again as raw deflate; None once it is too late.
    replay = b"" if raw_fallback else None
    data = b""
    while True:
        try:
            piece = decoder.decompress(data, _INFLATE_STEP)
        except zlib.error:
            if replay is None:
                raise
            decoder, data, replay = zlib.decompressobj(-zlib.MAX_WBITS), replay, None
            continue
        if piece:
            replay = None
            yield piece
        data = decoder.unconsumed_tail
        # A full step may leave output inside zlib, so ask again before reading more input.
        if not data and len(piece) < _INFLATE_STEP:
            data = next(chunks, None)
            if data is None:
                return
            if replay is not None:
                replay += data
