"""The wire between the grader and a worker: framed JSON plus ``.npy`` tensor payloads.

Both sides use this module. Nothing here ever unpickles: values travel as a tagged JSON tree
whose tensors are NumPy ``.npy`` buffers read back with ``allow_pickle=False``. Any object
that is not plain data crosses as its class name and a truncated ``repr``.

A frame is ``!QQ`` (header length, payload length), then the JSON header, then the
concatenated buffers the header describes.
"""

from __future__ import annotations

import io
import json
import math
import socket
import struct
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch.utils._python_dispatch import _disable_current_modes

MAX_HEADER_BYTES = 64 * 1024 * 1024
MAX_PAYLOAD_BYTES = 2 * 1024 * 1024 * 1024
MAX_DEPTH = 32
MAX_ITEMS = 100_000
REPR_LIMIT = 300

_FRAME = struct.Struct("!QQ")

_TORCH_DTYPES: dict[str, torch.dtype] = {
    str(d): d
    for d in (
        torch.float16,
        torch.bfloat16,
        torch.float32,
        torch.float64,
        torch.complex64,
        torch.complex128,
        torch.uint8,
        torch.int8,
        torch.int16,
        torch.int32,
        torch.int64,
        torch.bool,
    )
}
_NUMPY_KINDS = frozenset("biufc")
#: The only types that cross as tensors: a subclass can override what any method returns.
_TENSOR_TYPES = (torch.Tensor, torch.nn.Parameter)
#: What a refused tensor subclass's ``repr`` says, so a check can tell the student what to return.
TENSOR_SUBCLASS = "a subclass of torch.Tensor; return a plain torch.Tensor"
#: Captured when the worker imports this module, before any student code runs: the C
#: methods of a tensor, which student code cannot replace (``TensorBase`` is immutable).
_BASE = torch._C.TensorBase
_save = np.save


class WireError(Exception):
    """A frame or value that does not follow the protocol."""


class FrameTooLarge(WireError):
    """A frame whose payload is larger than the reader allows; nothing of it past its sizes was read."""

    def __init__(self, payload_bytes: int, limit_bytes: int) -> None:
        super().__init__(f"a frame of {payload_bytes} bytes of data, more than the {limit_bytes} allowed")
        self.payload_bytes = payload_bytes
        self.limit_bytes = limit_bytes


@dataclass(frozen=True)
class RemoteTensor:
    """A tensor as the worker returned it: its values on the CPU plus where it lived."""

    data: torch.Tensor
    device: str
    requires_grad: bool
    grad_fn: str | None
    is_ndarray: bool = False

    @property
    def dtype(self) -> torch.dtype:
        return self.data.dtype

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.data.shape)


@dataclass(frozen=True)
class RemoteObject:
    """Anything that is not plain data: named, never reconstructed."""

    type_name: str
    repr: str


# ----------------------------------------------------------------------------- encoding


def encode(value: Any) -> tuple[Any, list[bytes]]:
    """Turn a value into a JSON-able tagged tree and the list of buffers it refers to."""
    buffers: list[bytes] = []
    counter = [0]
    return _encode(value, buffers, 0, counter), buffers


def _encode(value: Any, buffers: list[bytes], depth: int, counter: list[int]) -> Any:
    counter[0] += 1
    if depth > MAX_DEPTH or counter[0] > MAX_ITEMS:
        return {"t": "obj", "type": type(value).__name__, "repr": "<too deeply nested or too large>"}
    if value is None or isinstance(value, bool):
        return {"t": "lit", "v": value}
    if isinstance(value, int) and type(value) is int:
        return {"t": "int", "v": str(value)}
    if isinstance(value, float) and type(value) is float:
        return {"t": "float", "v": _float_text(value)}
    if isinstance(value, str) and type(value) is str:
        return {"t": "str", "v": value}
    if type(value) in _TENSOR_TYPES:
        return _encode_tensor(value, buffers, is_ndarray=False)
    if isinstance(value, torch.Tensor):
        return {"t": "obj", "type": _type_name(value), "repr": TENSOR_SUBCLASS}
    if type(value) is np.ndarray and value.dtype.kind in _NUMPY_KINDS:
        return _encode_tensor(torch.from_numpy(np.ascontiguousarray(value)), buffers, is_ndarray=True)
    if isinstance(value, np.generic) and value.dtype.kind in _NUMPY_KINDS:
        return {"t": "npscalar", "dtype": str(value.dtype), "v": _float_text(float(value.real))}
    if type(value) in (list, tuple):
        items = [_encode(v, buffers, depth + 1, counter) for v in value]
        return {"t": type(value).__name__, "v": items}
    if type(value) is dict and all(type(k) is str for k in value):
        return {"t": "dict", "v": {k: _encode(v, buffers, depth + 1, counter) for k, v in value.items()}}
    return {"t": "obj", "type": _type_name(value), "repr": _safe_repr(value)}


def _encode_tensor(tensor: torch.Tensor, buffers: list[bytes], is_ndarray: bool) -> Any:
    """Serialise with torch functions, dispatch modes and patched methods out of the way."""
    with torch._C.DisableTorchFunction(), _disable_current_modes():
        return _encode_plain_tensor(tensor, buffers, is_ndarray)


def _encode_plain_tensor(tensor: torch.Tensor, buffers: list[bytes], is_ndarray: bool) -> Any:
    dtype, layout = _BASE.dtype.__get__(tensor), _BASE.layout.__get__(tensor)
    if str(dtype) not in _TORCH_DTYPES or layout != torch.strided or _BASE.is_quantized.__get__(tensor):
        return {"t": "obj", "type": _type_name(tensor), "repr": f"tensor of dtype {dtype}, layout {layout}"}
    device = _BASE.device.__get__(tensor)
    grad_fn = _BASE.grad_fn.__get__(tensor)
    plain = _BASE.detach(tensor)
    if device.type == "meta":
        return {"t": "obj", "type": _type_name(tensor), "repr": f"meta tensor of shape {list(_BASE.shape.__get__(plain))}"}
    plain = _BASE.to(plain, "cpu")
    if dtype == torch.bfloat16:
        plain = _BASE.to(plain, torch.float32)
    array = _BASE.numpy(_BASE.contiguous(plain))
    out = io.BytesIO()
    _save(out, array, allow_pickle=False)
    buffers.append(out.getvalue())
    return {
        "t": "tensor",
        "buf": len(buffers) - 1,
        "dtype": str(dtype),
        "device": str(device),
        "requires_grad": bool(_BASE.requires_grad.__get__(tensor)),
        "grad_fn": type(grad_fn).__name__ if grad_fn is not None else None,
        "ndarray": is_ndarray,
    }


def _float_text(value: float) -> Any:
    return value if math.isfinite(value) else repr(value)


def _type_name(value: Any) -> str:
    cls = type(value)
    return f"{cls.__module__}.{cls.__qualname__}" if cls.__module__ != "builtins" else cls.__qualname__


def _safe_repr(value: Any) -> str:
    try:
        text = repr(value)
    except BaseException:  # a hostile __repr__ may raise anything
        text = "<repr failed>"
    if not isinstance(text, str):
        text = "<repr returned a non-string>"
    return text[:REPR_LIMIT]


# ----------------------------------------------------------------------------- decoding


def decode(tree: Any, buffers: list[bytes]) -> Any:
    """Rebuild a value from a tagged tree; tensors become :class:`RemoteTensor`."""
    return _decode(tree, buffers, 0)


def _decode(tree: Any, buffers: list[bytes], depth: int) -> Any:
    if depth > MAX_DEPTH + 1 or not isinstance(tree, dict):
        raise WireError("malformed value tree")
    tag = tree.get("t")
    if tag == "lit":
        value = tree.get("v")
        if value is not None and not isinstance(value, bool):
            raise WireError("malformed literal")
        return value
    if tag == "int":
        return int(_str(tree.get("v")))
    if tag in ("float", "npscalar"):
        return _float(tree.get("v"))
    if tag == "str":
        return _str(tree.get("v"))
    if tag in ("list", "tuple"):
        items = [_decode(v, buffers, depth + 1) for v in _list(tree.get("v"))]
        return tuple(items) if tag == "tuple" else items
    if tag == "dict":
        items = tree.get("v")
        if not isinstance(items, dict):
            raise WireError("malformed dict")
        return {_str(k): _decode(v, buffers, depth + 1) for k, v in items.items()}
    if tag == "tensor":
        return _decode_tensor(tree, buffers)
    if tag == "obj":
        return RemoteObject(type_name=_str(tree.get("type")), repr=_str(tree.get("repr"))[:REPR_LIMIT])
    raise WireError(f"unknown value tag {tag!r}")


def _decode_tensor(tree: dict[str, Any], buffers: list[bytes]) -> RemoteTensor:
    index = tree.get("buf")
    if not isinstance(index, int) or not 0 <= index < len(buffers):
        raise WireError("tensor refers to a missing buffer")
    dtype = _TORCH_DTYPES.get(_str(tree.get("dtype")))
    if dtype is None:
        raise WireError("tensor of an unsupported dtype")
    try:
        array = np.load(io.BytesIO(buffers[index]), allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise WireError(f"unreadable tensor buffer: {exc}") from None
    if not isinstance(array, np.ndarray) or array.dtype.kind not in _NUMPY_KINDS:
        raise WireError("tensor buffer of an unsupported dtype")
    data = torch.from_numpy(array.copy()).to(dtype)
    grad_fn = tree.get("grad_fn")
    return RemoteTensor(
        data=data,
        device=_str(tree.get("device")),
        requires_grad=bool(tree.get("requires_grad")),
        grad_fn=_str(grad_fn) if grad_fn is not None else None,
        is_ndarray=bool(tree.get("ndarray")),
    )


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise WireError("expected a string")
    return value


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise WireError("expected a list")
    return value


def _float(value: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if value in ("nan", "inf", "-inf"):
        return float(value)
    raise WireError("malformed float")


# ----------------------------------------------------------------------------- framing


def send_message(sock: socket.socket, header: dict[str, Any], buffers: list[bytes] = ()) -> None:
    """Send one frame: a JSON header (``buffers`` sizes added) and the buffers."""
    header = dict(header, buffers=[len(b) for b in buffers])
    head = json.dumps(header).encode("utf-8")
    payload_len = sum(len(b) for b in buffers)
    sock.sendall(_FRAME.pack(len(head), payload_len) + head)
    for buf in buffers:
        sock.sendall(buf)


def recv_message(sock: socket.socket, max_payload: int | None = None) -> tuple[dict[str, Any], list[bytes]]:
    """Read one frame; raise :class:`EOFError` if the peer closed the channel first.

    A payload over ``max_payload`` bytes raises :class:`FrameTooLarge` before any of it is read.
    """
    head_len, payload_len = _FRAME.unpack(_recv_exactly(sock, _FRAME.size))
    if head_len > MAX_HEADER_BYTES or payload_len > MAX_PAYLOAD_BYTES:
        raise WireError(f"frame too large ({head_len} + {payload_len} bytes)")
    if max_payload is not None and payload_len > max_payload:
        raise FrameTooLarge(payload_len, max_payload)
    try:
        header = json.loads(_recv_exactly(sock, head_len).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError; nesting too
        raise WireError(f"unreadable header: {exc}") from None
    sizes = header.get("buffers") if isinstance(header, dict) else None
    if not isinstance(sizes, list) or not all(isinstance(s, int) and s >= 0 for s in sizes):
        raise WireError("header lacks its buffer sizes")
    if sum(sizes) != payload_len:
        raise WireError("buffer sizes do not add up to the payload")
    payload = _recv_exactly(sock, payload_len)
    buffers, offset = [], 0
    for size in sizes:
        buffers.append(payload[offset : offset + size])
        offset += size
    return header, buffers


def _recv_exactly(sock: socket.socket, n: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < n:
        chunk = sock.recv(min(n - len(chunks), 1 << 22))
        if not chunk:
            raise EOFError("channel closed")
        chunks += chunk
    return bytes(chunks)
