/* Search in the browser, over the index the build writes to search/data/ (newsarchive/search.py
   describes its files). Each index file is a classic script that calls NA_SEARCH.add(id, data):
   fetch() and modules fail on file://, a <script src> works everywhere. Their URLs are computed
   from this file's own (<root>/static/search.js), so any page at any depth, under any base path
   or read from disk finds them. Only the files a query needs are loaded: the manifest, the term
   shards of its words, and the document shards of the results shown.

   A query is words, ANDed; each word also matches the terms it starts ("protei" finds protein),
   at half weight. Results rank by summed scores, newer stories first on ties. Two boxes use it:
   the header's (a drop-down as you type; Enter without a chosen result goes to the search page)
   and the search page's (all results, filters, and the query kept in the address). NA_SEARCH is
   this script's only global: add() for the index files, doc() for preview.js, tokens(). */
(function () {
  "use strict";

  // The tokeniser: newsarchive/search.py spells the same rule, and tests hold both to one list.
  const WORD_CHARS = "0-9a-z\u00c0-\u1fff\u2c00-\u2dff\u2e80-\u2fff\u3040-\ud7ff\uf900-\ufdff\ufe70-\ufefe";
  const WORD = new RegExp("[" + WORD_CHARS + "]+", "g");
  const RUN = new RegExp("[A-Z" + WORD_CHARS + "]+", "g");  // a word as a text spells it
  const ACCENTS = /[\u0300-\u036f]/g;

  const MIN_PREFIX = 2;  // a shorter word matches only itself
  const PREFIX_WEIGHT = 0.5;  // a term a word only starts counts half
  const PANEL_RESULTS = 8;
  const PAGE_RESULTS = 20;  // the search page shows this many more per "More results"
  const SNIPPET_CHARS = 180;
  const SNIPPET_LEAD = 50;  // characters of context kept before the first match
  const DATA = "search/data/";

  const root = new URL("../", document.currentScript.src);
  const registered = Object.create(null);  // index file id -> its data
  const requests = Object.create(null);  // index file id -> Promise of its data
  const has = (object, key) => Object.prototype.hasOwnProperty.call(object, key);

  function tokens(text) {
    return text.normalize("NFKD").toLowerCase().replace(ACCENTS, "").match(WORD) || [];
  }

  // ---- loading the index -------------------------------------------------------------------

  function add(id, data) {
    registered[id] = data;
  }

  function load(id) {
    if (!requests[id]) {
      requests[id] = new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = new URL(DATA + id + ".js", root).href;
        script.onload = () => {
          script.remove();
          if (id in registered) resolve(registered[id]);
          else reject(new Error(script.src + " did not register"));
        };
        script.onerror = () => {
          script.remove();
          delete requests[id];  // a later query tries again
          reject(new Error("cannot load " + script.src));
        };
        document.head.appendChild(script);
      });
    }
    return requests[id];
  }

  const manifest = () => load("manifest");

  function docAt(shard, index) {
    return load("d" + shard).then((docs) => docs[index]);
  }

  // A story by its key, "<document shard>:<index in it>" (as pages' story-links maps give it).
  function doc(key) {
    const parts = key.split(":");
    return docAt(Number(parts[0]), Number(parts[1]));
  }

  function docs(m, numbers) {
    return Promise.all(numbers.map((n) => docAt(Math.floor(n / m.docsPerShard), n % m.docsPerShard)));
  }

  // ---- answering a query -------------------------------------------------------------------

  // The last term shard whose first term is <= term (the shards hold sorted ranges of terms).
  function shardOf(firsts, term) {
    let low = 0;
    let high = firsts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (firsts[middle] <= term) low = middle; else high = middle - 1;
    }
    return low;
  }

  function termShards(m, from, to) {
    const ids = [];
    for (let n = shardOf(m.termShards, from); n <= shardOf(m.termShards, to); n++) ids.push("t" + n);
    return Promise.all(m.termShards.length ? ids.map(load) : []);
  }

  // One word (or filter term): doc -> its best score, and whether every doc was listed (postings
  // of very common words keep only their strongest documents).
  async function lookup(m, word, prefix) {
    const match = { scores: new Map(), complete: true };
    for (const data of await termShards(m, word, prefix ? word + "\uffff" : word)) {
      const terms = prefix ? Object.keys(data).filter((term) => term.startsWith(word)) : [word];
      terms.filter((term) => has(data, term)).forEach((term) => {
        const idf = Math.log(1 + m.docs / data[term][0]);
        addPostings(match, data[term], idf * (term === word ? 1 : PREFIX_WEIGHT));
      });
    }
    return match;
  }

  // Postings are [df, doc delta, score, doc delta, score, ...].
  function addPostings(match, postings, weight) {
    let number = 0;
    for (let i = 1; i < postings.length; i += 2) {
      number += postings[i];
      match.scores.set(number, Math.max(match.scores.get(number) || 0, postings[i + 1] * weight));
    }
    match.complete = match.complete && postings[0] === (postings.length - 1) / 2;
  }

  // A query's distinct words; a one-letter last word is still being typed and waits.
  function queryWords(query) {
    const words = tokens(query).filter((word, i, all) => all.indexOf(word) === i);
    if (words.length > 1 && words[words.length - 1].length < MIN_PREFIX) words.pop();
    return words;
  }

  // filters: terms every result must have ("@<newsletter>", "#<tag>", as the manifest names them).
  async function search(query, filters) {
    const words = queryWords(query);
    const m = await manifest();
    const asked = words.length > 0 || filters.length > 0;
    if (!asked) return { m: m, words: words, asked: asked, hits: [], capped: false };
    const matches = await Promise.all(words.map((word) => lookup(m, word, word.length >= MIN_PREFIX))
      .concat(filters.map((term) => lookup(m, term, false))));
    const ranked = rank(matches.slice(0, words.length), matches.slice(words.length));
    return { m: m, words: words, asked: asked, hits: ranked.hits, capped: ranked.capped };
  }

  // Every complete word and filter must match (a capped word cannot veto what it did not list);
  // when every word is capped, any of them will do. Highest summed score first, then newest.
  function rank(words, filters) {
    const required = words.filter((word) => word.complete).concat(filters);
    const score = (n) => words.reduce((sum, word) => sum + (word.scores.get(n) || 0), 0);
    const hits = (required.length ? intersection(required) : union(words)).map((n) => [score(n), n]);
    hits.sort((a, b) => b[0] - a[0] || b[1] - a[1]);
    return { hits: hits.map((hit) => hit[1]), capped: words.some((word) => !word.complete) };
  }

  function intersection(matches) {
    const smallest = matches.reduce((a, b) => (a.scores.size <= b.scores.size ? a : b));
    return Array.from(smallest.scores.keys()).filter((n) => matches.every((match) => match.scores.has(n)));
  }

  function union(matches) {
    const all = new Set();
    matches.forEach((match) => match.scores.forEach((score, n) => all.add(n)));
    return Array.from(all);
  }

  // ---- showing results ---------------------------------------------------------------------

  const matchesWord = (term, word) => (word.length < MIN_PREFIX ? term === word : term.startsWith(word));

  // [start, end] of each word of the text that a query word matches.
  function marks(text, words) {
    const found = [];
    RUN.lastIndex = 0;
    for (let run = RUN.exec(text); run; run = RUN.exec(text)) {
      if (tokens(run[0]).some((term) => words.some((word) => matchesWord(term, word)))) {
        found.push([run.index, run.index + run[0].length]);
      }
    }
    return found;
  }

  // The text as nodes, its matching words in <mark>: text nodes only, never parsed as HTML.
  function highlight(text, words) {
    const fragment = document.createDocumentFragment();
    let at = 0;
    marks(text, words).forEach((mark) => {
      fragment.append(text.slice(at, mark[0]), element("mark", "", text.slice(mark[0], mark[1])));
      at = mark[1];
    });
    fragment.append(text.slice(at));
    return fragment;
  }

  // About SNIPPET_CHARS of the text around its first match (its start when nothing matches).
  function snippet(text, words) {
    const first = marks(text, words)[0];
    const from = first && first[0] > SNIPPET_LEAD ? text.indexOf(" ", first[0] - SNIPPET_LEAD) + 1 : 0;
    const lead = from ? "…" : "";
    if (text.length - from <= SNIPPET_CHARS) return lead + text.slice(from);
    const cut = text.lastIndexOf(" ", from + SNIPPET_CHARS);
    return lead + text.slice(from, cut > from ? cut : from + SNIPPET_CHARS) + "…";
  }

  function element(name, className, content) {
    const node = document.createElement(name);
    if (className) node.className = className;
    if (content !== undefined) node.append(content);
    return node;
  }

  function option(record, words, id, tagNames) {
    const link = element("a", "search-hit");
    link.href = new URL(record.url, root).href;
    link.id = id;
    link.tabIndex = -1;
    link.setAttribute("role", "option");
    link.setAttribute("aria-selected", "false");
    const tags = tagNames ? record.tags.map((n) => " · #" + tagNames[n]).join("") : "";
    link.append(element("span", "search-hit__title", highlight(record.title, words)),
      element("span", "search-hit__meta", record.meta + tags),
      element("span", "search-hit__snippet", highlight(snippet(record.text, words), words)));
    return link;
  }

  function summary(query, result) {
    if (!result.asked) return "";
    const count = result.hits.length + (result.capped ? "+" : "");
    if (result.hits.length) return count + (result.hits.length === 1 ? " story" : " stories");
    return query.trim() ? "No stories match “" + query.trim() + "”." : "No stories match these filters.";
  }

  // ---- search boxes ------------------------------------------------------------------------

  // ↑/↓ through the options of a listbox, from its combobox input (aria-activedescendant).
  function chooser(input, list) {
    let active = -1;
    const options = () => Array.from(list.querySelectorAll("[role=option]"));

    function choose(index) {
      const all = options();
      active = index;
      all.forEach((node, i) => node.setAttribute("aria-selected", String(i === active)));
      if (active < 0) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }

    function move(step) {
      const count = options().length;
      if (count) choose(active < 0 ? (step > 0 ? 0 : count - 1) : (active + step + count) % count);
    }

    return {
      choose: choose,
      move: move,
      chosen: () => (active >= 0 ? options()[active] : null),
      count: () => options().length,
    };
  }

  // An input (role=combobox) whose results fill a listbox as you type; ↑/↓ choose one, Enter
  // opens it, Esc closes. box: input, list, status, limit(), filters(); optional: panel,
  // withTags, shown(query, result) after each answer, close() for Esc.
  function searchBox(box) {
    const nav = chooser(box.input, box.list);
    let latest = 0;

    async function run() {
      const ticket = ++latest;
      const query = box.input.value;
      box.list.setAttribute("aria-busy", "true");
      try {
        const result = await search(query, box.filters());
        const records = await docs(result.m, result.hits.slice(0, box.limit()));
        if (ticket === latest) show(query, result, records);
      } catch (error) {
        if (ticket === latest) box.status.textContent = "The search index could not be loaded.";
      } finally {
        if (ticket === latest) box.list.removeAttribute("aria-busy");
      }
    }

    function show(query, result, records) {
      const tagNames = box.withTags ? result.m.tags : null;
      const id = (i) => box.list.id + "-" + i;
      box.list.textContent = "";
      records.forEach((record, i) => box.list.append(option(record, result.words, id(i), tagNames)));
      nav.choose(-1);
      box.status.textContent = summary(query, result);
      sync();
      if (box.shown) box.shown(query, result);
    }

    // aria-expanded: whether the listbox shows any result.
    function sync() {
      box.input.setAttribute("aria-expanded", String(nav.count() > 0 && !(box.panel && box.panel.hidden)));
    }

    box.input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        nav.move(event.key === "ArrowDown" ? 1 : -1);
      } else if (event.key === "Enter" && nav.chosen()) {
        event.preventDefault();
        window.location.href = nav.chosen().href;
      } else if (event.key === "Escape") {
        if (box.close) box.close();
        nav.choose(-1);
      }
    });
    // Warm up on focus; a failure shows when run() needs the manifest.
    box.input.addEventListener("focus", () => manifest().catch(() => undefined));
    return { run: run, sync: sync };
  }

  // The header's box: a drop-down panel of the best results, open while the input has text.
  function startHeader(form) {
    const panel = form.querySelector(".site-search__panel");
    const input = form.querySelector(".site-search__input");
    const all = form.querySelector(".site-search__all");
    const setOpen = (open) => {
      panel.hidden = !open;
      box.sync();
    };
    const box = searchBox({
      input: input, panel: panel, list: panel.querySelector("[role=listbox]"),
      status: panel.querySelector("[role=status]"),
      limit: () => PANEL_RESULTS, filters: () => [],
      shown: (query) => { all.href = form.action + "?q=" + encodeURIComponent(query.trim()); },
      close: () => setOpen(false),
    });
    input.addEventListener("input", () => {
      setOpen(input.value.trim() !== "");
      if (!panel.hidden) box.run();
    });
    input.addEventListener("focus", () => { if (input.value.trim()) { setOpen(true); box.run(); } });
    form.addEventListener("focusout", (event) => {
      if (!form.contains(event.relatedTarget)) setOpen(false);
    });
  }

  // The search page's box: all results, PAGE_RESULTS at a time, filtered by the selects, with
  // the query and filters mirrored in the address so it can be shared or reloaded.
  function startPage(form, m) {
    const input = form.querySelector("input[name=q]");
    const selects = Array.from(form.querySelectorAll("select"));
    const more = document.querySelector(".search-page__more button");
    const prefixes = { newsletter: m.newsletterTerm, tag: m.tagTerm };
    let limit = PAGE_RESULTS;
    const box = searchBox({
      input: input, list: document.getElementById(input.getAttribute("aria-controls")),
      status: document.querySelector(".search-page__status"), withTags: true,
      limit: () => limit,
      filters: () => selects.filter((s) => s.value).map((s) => prefixes[s.name] + s.value),
      shown: (query, result) => {
        more.hidden = result.hits.length <= limit;
        remember([input].concat(selects));
      },
    });
    const restart = (event) => {
      if (event) event.preventDefault();
      limit = PAGE_RESULTS;
      box.run();
    };
    recall([input].concat(selects));
    input.addEventListener("input", () => restart());
    selects.forEach((select) => select.addEventListener("change", () => restart()));
    form.addEventListener("submit", restart);
    more.addEventListener("click", () => { limit += PAGE_RESULTS; box.run(); });
    restart();
  }

  // Fields from the address (?q=…&newsletter=…&tag=…), and back.
  function recall(fields) {
    const params = new URLSearchParams(window.location.search);
    fields.forEach((field) => {
      const value = params.get(field.name) || "";
      field.value = value;
      if (field.value !== value) field.value = "";  // a select without that option
    });
  }

  function remember(fields) {
    const params = new URLSearchParams();
    fields.forEach((field) => {
      if (field.value.trim()) params.set(field.name, field.value.trim());
    });
    const query = params.toString();
    const address = (query ? "?" + query : window.location.pathname) + window.location.hash;
    window.history.replaceState(null, "", address);
  }

  // "/" anywhere but in a field goes to the search box.
  function focusOnSlash(event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest && event.target.closest("input, textarea, select, [contenteditable]")) return;
    const input = document.querySelector(".search-page__input, .site-search__input");
    if (input) {
      event.preventDefault();
      input.focus();
    }
  }

  window.NA_SEARCH = { add: add, doc: doc, tokens: tokens };
  document.querySelectorAll(".site-search").forEach(startHeader);
  const page = document.querySelector(".search-page");
  if (page) {
    manifest().then((m) => startPage(page, m), () => {
      document.querySelector(".search-page__status").textContent = "The search index could not be loaded.";
    });
  }
  document.addEventListener("keydown", focusOnSlash);
})();
