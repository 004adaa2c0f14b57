"""The build cache gives back only what was saved under the same key; the preview server holds it
in memory between builds and writes it once the pages were told to reload."""

from newsarchive import cache
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


def test_held_entries_are_read_back_as_the_same_objects_and_written_on_flush(tmp_path):
    value = {"pages": ["a", "b"]}
    with cache.held_in_memory():
        store = Cache(tmp_path)
        store.save("record", "key", value)
        assert not (tmp_path / "record.pickle").exists()
        assert store.load("record", "key") is value
        assert store.load("record", "other key") is None
        cache.flush()
        assert (tmp_path / "record.pickle").exists()
        store.save("record", "key", {"pages": ["c"]})
    assert Cache(tmp_path).load("record", "key") == {"pages": ["c"]}  # written on the way out


def test_an_entry_on_disk_is_read_once_while_held(tmp_path):
    Cache(tmp_path).save("record", "key", [1, 2, 3])
    with cache.held_in_memory():
        first = Cache(tmp_path).load("record", "key")
        (tmp_path / "record.pickle").unlink()
        assert Cache(tmp_path).load("record", "key") is first
    assert Cache(tmp_path).load("record", "key") is None
