"""What the line remembers about one number between texts."""

from __future__ import annotations

from dataclasses import dataclass, field

from .limits import Quota


@dataclass(frozen=True)
class State:
    """One number's conversation.

    menu is the path of menus the texter went down (empty: no conversation yet); topic and page the
    page being read; choices the topics of an open did-you-mean question; seen the time of the last text;
    quota what the limits remember (limits.py); flow and node the question of a flow being answered
    (never the answers given); place the place the texter last named (only here, deleted with the rest).
    """

    lang: str | None = None
    menu: tuple[str, ...] = ()
    topic: str | None = None
    page: int = 0
    choices: tuple[str, ...] = ()
    seen: float | None = None
    opted_out: bool = False
    quota: Quota = field(default_factory=Quota)
    flow: str | None = None
    node: str | None = None
    place: str | None = None

    def to_dict(self) -> dict:
        """A JSON-ready copy."""
        return {**{name: getattr(self, name) for name in self.__dataclass_fields__}, "quota": vars(self.quota)}

    @classmethod
    def from_dict(cls, data: dict | None) -> State:
        """A State from to_dict()'s output; unknown keys are ignored, missing ones take defaults."""
        data = data or {}
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        for key in ("menu", "choices"):
            if key in known:
                known[key] = tuple(known[key])
        if "quota" in known:
            known["quota"] = Quota.from_dict(known["quota"])
        return cls(**known)
