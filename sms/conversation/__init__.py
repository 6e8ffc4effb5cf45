"""The conversation, pure: step(state, inbound, assets, now) -> (state, reply). No Flask, store, YAML,
clock or model: the understanding and the content's rendition come in with assets."""

from __future__ import annotations

from .engine import SESSION_MINUTES, Assets, Reply, State, step

__all__ = ["SESSION_MINUTES", "Assets", "Reply", "State", "step"]
