"""Read answers cached by the projection's position, with ETag / If-None-Match → 304.

A read model changes only when its projection applies a batch (the position row moves in
the same transaction) or when the scheduler refreshes the stored lights (which touches the
row's ``updated_at``): an answer built from it stays right until that row changes, so it is
cached under the row's ``(position, updated_at)`` (``positions``) — invalidated by
position, never by time.
The key also holds the route, its parameters, the language and the caller's visible scope
(the paths of their grants, or "operator"): whether a node is visible depends on nothing
else, so a cached answer is only ever served to a caller who would be shown exactly the same
one, and a caller outside the node still gets the 404 the view raises (errors are never
cached).

The cache is per process (an LRU), so it needs no server and works on both backends; every
process reads the position row itself, so an answer built in one process is never stale in
another. The body is encoded once with orjson and its ETag is a hash of those bytes: a new
event that changes the answer changes the ETag, one that does not keeps the client's copy.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass

import orjson
from cachetools import LRUCache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

from taolun.platform.api.access import principal
from taolun.platform.api.positions import position

# Enough for every node and list a busy city reads between two batches; an answer is a few
# kilobytes, a page of units some tens.
MAX_ANSWERS = 1024


@dataclass(frozen=True)
class Answer:
    body: bytes
    etag: str


_answers: LRUCache = LRUCache(maxsize=MAX_ANSWERS)
_lock = threading.Lock()  # LRUCache is not thread-safe; waitress serves from threads


def scope(request: HttpRequest) -> Hashable:
    """What the caller may see: visibility depends on the grant paths only (not the roles)."""
    who = principal(request)
    return "operator" if who.is_operator else tuple(sorted({path for path, _ in who.grants}))


def encode(body: object) -> bytes:
    """JSON bytes, UTF-8 (not \\u-escaped), times in UTC with a Z."""
    return orjson.dumps(body, option=orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS)


def _key(request: HttpRequest, projection: str, route: str, params: Hashable) -> tuple:
    # The language too: an answer holding translated text must not cross languages.
    return (projection, position(request, projection), route, params, scope(request), get_language())


def cached_value(request: HttpRequest, projection: str, route: str, params: Hashable,
                 build: Callable[[], object]) -> object:
    """``build()``'s value, from the cache while the projection has not moved: for pages,
    which render it anew for each request (the CSRF token and the user's name are theirs).
    The caller checks access first; a ``None`` (nothing to show) is never kept."""
    key = ("value", *_key(request, projection, route, params))
    with _lock:
        value = _answers.get(key)
    if value is None:
        value = build()
        if value is not None:
            with _lock:
                _answers[key] = value
    return value


def cached_json(request: HttpRequest, projection: str, route: str, params: Hashable,
                build: Callable[[], object]) -> HttpResponse:
    """The JSON answer of ``build()`` (which also checks access: it raises 404s itself),
    from the cache when the projection has not moved since it was built; 304 when the
    client's If-None-Match already holds it."""
    key = _key(request, projection, route, params)
    with _lock:
        answer = _answers.get(key)
    if answer is None:
        body = encode(build())
        answer = Answer(body, f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"')
        with _lock:
            _answers[key] = answer
    response = get_conditional_response(request, etag=answer.etag) or HttpResponse(
        answer.body, content_type="application/json")
    response["ETag"] = answer.etag
    # Per caller (the key holds their scope), and always revalidated: the ETag is cheap.
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ("Authorization", "Cookie"))
    return response
