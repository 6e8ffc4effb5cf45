"""Shared fixtures: the real content and its understanding, apps on a temporary SQLite file, a Redis
key prefix of each test's own, both stores.

The model's embeddings are built once per run, into a cache folder of the run's own (seeded from
instance/ when a cache is there, so a second run on one machine embeds only what changed)."""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

import pytest
import redis

import sms
from helpers import HASH_SECRET, REDIS_URL, ROOT
from sms import channels, understanding
from sms import content as content_module
from sms.channels.sms import render
from sms.conversation import Assets
from sms.stores import RedisStore, SQLiteStore
from sms.understanding import semantic


def pytest_addoption(parser):
    """--update: rewrite the golden transcripts and the scenarios' replies from what the line says now."""
    parser.addoption("--update", action="store_true",
                     help="rewrite tests/golden/*.txt and the replies in tests/scenarios/*.txt from the line")


@pytest.fixture(scope="session")
def update(request) -> bool:
    """True when the run rewrites expected transcripts instead of comparing with them (--update)."""
    return request.config.getoption("update")


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory):
    """This run's embedding cache folder, seeded with the one in instance/ when there is one."""
    folder = tmp_path_factory.mktemp("embeddings")
    seed = semantic.cache_path(sms.settings.INSTANCE)
    if seed.exists():
        shutil.copy(seed, semantic.cache_path(folder))
    return folder


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, cache_dir):
    """Tests see only the settings they give: none of the line's variables leak in from the shell; the
    embedding cache is this run's own."""
    for name in (*sms.settings.NAMES, "FLASK_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SMS_CACHE_DIR", str(cache_dir))


@pytest.fixture(scope="session")
def content():
    """The real content rendered for SMS (what the engine reads), loaded once; .content is as authored."""
    return render.load(ROOT)


@pytest.fixture(scope="session")
def assets(content, cache_dir):
    """The real content with its understanding, the model's embeddings built once for the run."""
    built = understanding.build(content.content, cache_dir)
    assert built.problem is None, built.problem
    return Assets(content, built)


@pytest.fixture(scope="session")
def renditions(content):
    """The real content rendered for every channel (SMS: the content fixture itself)."""
    rendered, problems = channels.render_all(content.content, content.budget)
    assert rendered is not None, [str(p) for p in problems if p.error]
    return MappingProxyType({**rendered, "sms": content})


@pytest.fixture(scope="session")
def every_channel(assets, renditions):
    """The real content and its understanding, with every channel's rendition (assets.on(channel))."""
    return replace(assets, channels=renditions)


@pytest.fixture(scope="session")
def phrases_only(content, cache_dir):
    """The real content understood without the model, as when it cannot load."""
    return Assets(content, understanding.build(content.content, cache_dir, use_model=False))


@pytest.fixture(scope="session")
def en(content):
    """The English language of the real content."""
    return content.languages["en"]


@pytest.fixture
def make_app(tmp_path, content, assets, renditions, monkeypatch, redis_prefix):
    """A factory of apps on a temporary SQLite file; keyword arguments override the config.

    The real content is parsed and understood once per session: apps built here reuse it (other content
    folders, and apps built by calling sms.create_app directly, still go through the loader).
    """
    real_load, real_render, real_build = content_module.load, channels.render_all, understanding.build

    def load(root, today=None):
        return content.content if Path(root) == ROOT and today is None else real_load(root, today)

    def rendered(loaded, budget):
        return ((dict(renditions), []) if loaded is content.content and budget == content.budget
                else real_render(loaded, budget))

    def build(loaded, *args, **kwargs):
        if loaded is content.content and kwargs.get("use_model", args[1] if len(args) > 1 else True):
            return assets.understanding
        return real_build(loaded, *args, **kwargs)

    monkeypatch.setattr(content_module, "load", load)
    monkeypatch.setattr(channels, "render_all", rendered)
    monkeypatch.setattr(understanding, "build", build)

    def make(**overrides):
        config = {"TESTING": True, "SMS_STORE_URL": f"sqlite:///{tmp_path}/t.sqlite3", "SMS_HASH_SECRET": HASH_SECRET,
                  "SMS_REDIS_PREFIX": redis_prefix, "SMS_JOURNAL_PATH": str(tmp_path / "journal.jsonl")}
        config.update(overrides)
        return sms.create_app({k: v for k, v in config.items() if v is not None})

    return make


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


def _redis_or_skip(url: str) -> redis.Redis:
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        reason = f"Redis is not reachable at {url} ({type(exc).__name__}: {exc})"
        if os.environ.get("SMS_REQUIRE_REDIS") == "1":
            pytest.fail(f"{reason}, and SMS_REQUIRE_REDIS=1 requires it")
        pytest.skip(f"{reason}; start redis-server (or set SMS_REQUIRE_REDIS=1 to fail instead)")
    return client


@pytest.fixture
def redis_prefix():
    """A key prefix of this test's own: Redis tests touch only keys that start with it."""
    return f"sms-test-{uuid.uuid4().hex[:12]}:"


@pytest.fixture
def redis_client(redis_prefix):
    """A client on the test database; after the test, the keys under this test's prefix are deleted (and
    nothing else: the server may hold someone else's data)."""
    client = _redis_or_skip(REDIS_URL)
    yield client
    for key in client.scan_iter(match=f"{redis_prefix}*", count=1000):
        client.delete(key)
    client.close()


@pytest.fixture
def redis_url(redis_client):
    """The URL of the test database; skips when Redis is down (apps from make_app use this test's prefix)."""
    return REDIS_URL


@pytest.fixture(params=["sqlite", "redis"])
def store(request, tmp_path):
    """Each store test runs on both stores."""
    if request.param == "sqlite":
        return SQLiteStore(tmp_path / "store.sqlite3")
    return RedisStore(request.getfixturevalue("redis_url"), prefix=request.getfixturevalue("redis_prefix"))


@pytest.fixture
def content_copy(tmp_path):
    """A copy of the real content/, menus/ and flows/ under tmp_path, to break on purpose."""
    root = tmp_path / "copy"
    for folder in ("content", "menus", "flows"):
        shutil.copytree(ROOT / folder, root / folder)
    return root
