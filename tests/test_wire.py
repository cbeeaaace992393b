"""The wire: values round-trip as plain data, and nothing from a worker is ever unpickled."""

from __future__ import annotations

import contextlib
import io
import pickle
import socket
import struct
import threading

import numpy as np
import pytest
import torch

from grader.shared import wire


def round_trip(value):
    tree, buffers = wire.encode(value)
    return wire.decode(tree, buffers)


def test_tensors_keep_dtype_shape_device_and_autograd_facts():
    x = torch.randn(3, 4, requires_grad=True)
    y = (x * 2).to(torch.bfloat16)
    got = round_trip({"x": x, "y": y, "i": torch.arange(5), "b": torch.tensor([True, False])})
    assert torch.equal(got["x"].data, x.detach()) and got["x"].requires_grad and got["x"].grad_fn is None
    assert got["y"].dtype == torch.bfloat16 and got["y"].grad_fn == "ToCopyBackward0"
    assert got["i"].dtype == torch.int64 and got["b"].dtype == torch.bool
    assert got["x"].device == "cpu"


def test_plain_values_round_trip_and_keep_tuple_versus_list():
    value = [1, 2.5, float("nan"), "text", None, True, (1, 2), {"a": [3]}, 10**30]
    got = round_trip(value)
    assert got[0] == 1 and got[1] == 2.5 and got[2] != got[2]
    assert got[3:6] == ["text", None, True] and got[6] == (1, 2) and got[7] == {"a": [3]} and got[8] == 10**30


def test_unknown_objects_cross_as_their_name_and_repr_only():
    class Sneaky:
        def __repr__(self):
            return "<sneaky>" * 100

    got = round_trip({"obj": Sneaky(), "fn": print})
    assert isinstance(got["obj"], wire.RemoteObject) and got["obj"].type_name.endswith("Sneaky")
    assert len(got["obj"].repr) <= wire.REPR_LIMIT


class LyingTensor(torch.Tensor):
    """A subclass whose every method (and torch function) shows ones where the values are zeros."""

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        return torch.ones(3)

    def numpy(self, *args, **kwargs):
        return np.ones(3, dtype=np.float32)


def test_a_tensor_subclass_is_refused_saying_what_to_return():
    got = round_trip({"fake": torch.zeros(3).as_subclass(LyingTensor), "parameter": torch.nn.Parameter(torch.zeros(2))})
    assert isinstance(got["fake"], wire.RemoteObject) and got["fake"].type_name.endswith("LyingTensor")
    assert got["fake"].repr == wire.TENSOR_SUBCLASS
    assert isinstance(got["parameter"], wire.RemoteTensor) and got["parameter"].requires_grad


def test_an_ndarray_subclass_is_refused():
    got = round_trip(np.zeros(3).view(np.recarray))
    assert isinstance(got, wire.RemoteObject)


def test_patched_tensor_methods_and_torch_function_modes_cannot_change_what_is_sent(monkeypatch):
    from torch.overrides import TorchFunctionMode
    from torch.utils._python_dispatch import TorchDispatchMode

    class Zeros(TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            return torch.zeros(3)

    class ZerosToo(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            return torch.zeros(3)

    for name in ("detach", "to", "contiguous", "numpy", "cpu"):
        monkeypatch.setattr(torch.Tensor, name, lambda self, *a, **k: torch.zeros(3), raising=False)
    monkeypatch.setattr(np, "save", lambda file, array, **k: np.lib.format.write_array(file, np.zeros(3)))
    value = torch.tensor([1.0, 2.0, 3.0])
    with ZerosToo(), Zeros():
        tree, buffers = wire.encode(value)
    monkeypatch.undo()
    assert torch.equal(wire.decode(tree, buffers).data, torch.tensor([1.0, 2.0, 3.0]))


def test_a_pickled_object_array_is_refused():
    buffer = io.BytesIO()
    np.save(buffer, np.array([object()], dtype=object), allow_pickle=True)
    tree = {"t": "tensor", "buf": 0, "dtype": "torch.float32", "device": "cpu"}
    with pytest.raises(wire.WireError):
        wire.decode(tree, [buffer.getvalue()])


def test_raw_pickle_bytes_are_refused():
    tree = {"t": "tensor", "buf": 0, "dtype": "torch.float32", "device": "cpu"}
    with pytest.raises(wire.WireError):
        wire.decode(tree, [pickle.dumps([1, 2, 3])])


def test_malformed_trees_are_refused():
    for tree in ({"t": "lit", "v": 3}, {"t": "tensor", "buf": 7}, {"t": "nope"}, [1], {"t": "dict", "v": 1}):
        with pytest.raises(wire.WireError):
            wire.decode(tree, [])


def test_frames_round_trip_over_a_socket():
    a, b = socket.socketpair()
    tree, buffers = wire.encode({"x": torch.arange(1000)})
    wire.send_message(a, {"status": "ok", "value": tree}, buffers)
    header, received = wire.recv_message(b)
    assert torch.equal(wire.decode(header["value"], received)["x"].data, torch.arange(1000))


def test_a_frame_announcing_too_much_is_refused_before_reading_it():
    a, b = socket.socketpair()
    a.sendall(struct.pack("!QQ", wire.MAX_HEADER_BYTES + 1, 0))
    with pytest.raises(wire.WireError):
        wire.recv_message(b)


def test_a_closed_channel_is_an_eof():
    a, b = socket.socketpair()
    a.close()
    with pytest.raises(EOFError):
        wire.recv_message(b)


def test_a_header_nested_past_what_json_can_parse_is_refused():
    a, b = socket.socketpair()
    head = b"[" * 200_000 + b"]" * 200_000
    sender = threading.Thread(target=_send_until_closed, args=(a, struct.pack("!QQ", len(head), 0) + head))
    sender.start()
    with pytest.raises(wire.WireError, match="unreadable header"):
        wire.recv_message(b)
    b.close()
    sender.join(5)
    a.close()
    assert not sender.is_alive()


def _send_until_closed(channel: socket.socket, data: bytes) -> None:
    with contextlib.suppress(OSError):
        channel.sendall(data)
