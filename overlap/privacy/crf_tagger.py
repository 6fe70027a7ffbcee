"""A CRFsuite tagger in plain Python: the stand-in for ``pycrfsuite`` in a browser's Python.

``usaddress`` (which ``overlap.normalise.streets`` uses for the street lines
its simple parser leaves) tags address words with a linear-chain CRF through
``python-crfsuite``, a compiled library with no build for a browser. The
in-browser encoder registers this module as ``pycrfsuite``, so the very same
``usaddress`` code and model file run there. It reads CRFsuite's model file
(format "lCRF"/"FOMC": features, label and attribute dictionaries, and each
label's and attribute's feature list) and tags by Viterbi in the log domain,
adding scores in the order CRFsuite adds them, so the labels are the same
(the tests compare it with ``pycrfsuite`` on real and generated addresses).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Mapping

_HEADER = struct.Struct("<4sI4sIIIIIIIII")
_FEATURE = struct.Struct("<IIId")  # type, source, destination, weight
_STATE, _TRANSITION = 0, 1


class Tagger:
    """The part of ``pycrfsuite.Tagger`` that usaddress uses: ``open`` and ``tag``."""

    def __init__(self) -> None:
        self.labels: list[str] = []
        self._attributes: dict[str, int] = {}
        self._state: list[list[tuple[int, float]]] = []  # per attribute: (label, weight)
        self._transition: list[list[float]] = []  # [from label][to label]

    def open(self, path: str) -> None:
        """Load a CRFsuite model file."""
        with open(path, "rb") as handle:
            self._load(handle.read())

    def _load(self, data: bytes) -> None:
        (magic, _size, kind, _version, _n, n_labels, n_attrs, off_features, off_labels,
         off_attrs, off_label_refs, off_attr_refs) = _HEADER.unpack_from(data, 0)  # fmt: skip
        if magic != b"lCRF" or kind != b"FOMC":
            raise OSError("not a CRFsuite first-order model file")
        (count,) = struct.unpack_from("<I", data, off_features + 8)
        features = [
            _FEATURE.unpack_from(data, off_features + 12 + i * _FEATURE.size) for i in range(count)
        ]
        self.labels = _dictionary(data, off_labels)
        self._attributes = {name: i for i, name in enumerate(_dictionary(data, off_attrs))}
        self._transition = [[0.0] * n_labels for _ in range(n_labels)]
        for label in range(n_labels):
            for fid in _refs(data, off_label_refs, label):
                kind_, src, dst, weight = features[fid]
                if kind_ == _TRANSITION:
                    self._transition[src][dst] = weight
        self._state = []
        for attr in range(n_attrs):
            refs = [features[fid] for fid in _refs(data, off_attr_refs, attr)]
            self._state.append([(dst, w) for kind_, _src, dst, w in refs if kind_ == _STATE])

    def tag(self, xseq: Iterable) -> list[str]:
        """The most likely label of each item (Viterbi), as ``pycrfsuite.Tagger.tag``."""
        scores = [self._state_scores(_attributes(item)) for item in xseq]
        if not scores:
            return []
        return [self.labels[i] for i in self._viterbi(scores)]

    def _state_scores(self, attributes: list[tuple[str, float]]) -> list[float]:
        state = [0.0] * len(self.labels)
        for name, value in attributes:
            aid = self._attributes.get(name)
            if aid is None:  # an attribute the model never saw counts for nothing
                continue
            for label, weight in self._state[aid]:
                state[label] += weight * value
        return state

    def _viterbi(self, scores: list[list[float]]) -> list[int]:
        into = list(zip(*self._transition, strict=True))  # [to label][from label]
        current = list(scores[0])
        back: list[list[int]] = []
        for state in scores[1:]:
            pointers, nxt = [], []
            for j, weights in enumerate(into):
                column = [p + w for p, w in zip(current, weights, strict=True)]
                best = max(column)
                pointers.append(column.index(best))  # the first of equal scores, as CRFsuite
                nxt.append(best + state[j])
            back.append(pointers)
            current = nxt
        path = [current.index(max(current))]
        for pointers in reversed(back):
            path.append(pointers[path[-1]])
        return path[::-1]


def _attributes(item, prefix: str = "") -> list[tuple[str, float]]:
    """An item's attributes as python-crfsuite makes them: "key:value" strings, nested keys
    joined with ":", a number's (or bool's) value as the attribute's weight."""
    out: list[tuple[str, float]] = []
    if not isinstance(item, Mapping):
        return [(prefix + str(key), 1.0) for key in item]
    for key, value in item.items():
        name = prefix + str(key)
        if isinstance(value, dict | list | set):
            out += _attributes(value, name + ":")
        elif isinstance(value, str):
            out.append((f"{name}:{value}", 1.0))
        else:
            out.append((name, float(value)))
    return out


def _dictionary(data: bytes, offset: int) -> list[str]:
    """The strings of a CQDB chunk, by id (its backward array)."""
    magic, _size, _flag, _order, count, backward = struct.unpack_from("<4sIIIII", data, offset)
    if magic != b"CQDB":
        raise OSError("damaged CRFsuite model file (dictionary)")
    names = []
    for i in range(count):
        (at,) = struct.unpack_from("<I", data, offset + backward + 4 * i)
        _id, size = struct.unpack_from("<II", data, offset + at)
        start = offset + at + 8
        names.append(data[start : start + size - 1].decode("utf-8"))  # size counts a final NUL
    return names


def _refs(data: bytes, offset: int, index: int) -> tuple[int, ...]:
    """The feature ids listed for one label or attribute."""
    (at,) = struct.unpack_from("<I", data, offset + 12 + 4 * index)
    (count,) = struct.unpack_from("<I", data, at)
    return struct.unpack_from(f"<{count}I", data, at + 4)
