"""The build cache gives back only what was saved under the same key, and never a torn entry; a
mapping saved in shards comes back whole, and a change rewrites only the shard it falls in."""

from newsarchive.cache import SHARDS, Cache


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


def test_a_mapping_saved_in_shards_comes_back_whole_and_an_edit_rewrites_one_shard(tmp_path):
    store = Cache(tmp_path)
    mapping = {f"stories/{n}.md": ("stamp", n) for n in range(500)}
    store.save_mapping("docs", "key", mapping, {})
    files = sorted(tmp_path.glob("docs-*.pickle"))
    assert store.load_mapping("docs", "key") == mapping and len(files) == SHARDS
    assert store.load_mapping("docs", "other key") == {}
    before = {path: path.stat().st_ino for path in files}  # each write renames a new file in
    known = store.load_mapping("docs", "key")
    store.save_mapping("docs", "key", {**known, "stories/7.md": ("new stamp", 7)}, known)
    assert sum(path.stat().st_ino != before[path] for path in files) == 1
    assert store.load_mapping("docs", "key")["stories/7.md"] == ("new stamp", 7)


def test_a_torn_shard_loses_only_its_own_entries(tmp_path):
    store = Cache(tmp_path)
    mapping = {f"k{n}": n for n in range(500)}
    store.save_mapping("docs", "key", mapping, {})
    torn = tmp_path / "docs-00.pickle"
    torn.write_bytes(torn.read_bytes()[:20])
    found = store.load_mapping("docs", "key")
    assert 0 < len(found) < len(mapping) and all(mapping[k] == v for k, v in found.items())
