"""The build cache gives back only what was saved under the same key, and never a torn entry."""

from newsarchive.cache import Cache


def test_an_entry_comes_back_only_under_its_key(tmp_path):
    store = Cache(tmp_path)
    store.save("record", "key-1", {"a": 1})
    assert store.load("record", "key-1") == {"a": 1}
    assert store.load("record", "key-2") is None
    assert store.load("other", "key-1") is None


def test_a_torn_entry_is_ignored(tmp_path):
    store = Cache(tmp_path)
    store.save("record", "key", list(range(1000)))
    path = tmp_path / "record.pickle"
    path.write_bytes(path.read_bytes()[:100])
    assert store.load("record", "key") is None
