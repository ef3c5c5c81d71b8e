/* partnerbook search: the search box in the header of every page.
   Nothing is loaded until the box is first used (focus, or the "/" key); then
   elasticlunr.min.js (for its English pipeline: the index was made with the
   same one) and the guide's search-index.js (the documents and the shard
   table) are added as <script> elements, and as words are typed, the shards
   of the index that hold them, the same way. Script elements work from
   file:// and offline, where fetch() is refused.
   Pattern: an ARIA 1.2 combobox (the input) with a listbox popup; arrow keys
   move through the results, Enter follows, Escape closes, and a polite live
   region says how many results there are. No dependency but elasticlunr's
   pipeline; the index format and the ranking (BM25 with field boosts) are
   written here and in src/render/search_index/. */
(function () {
  "use strict";

  var MAX_RESULTS = 10;
  var STATUS_DELAY = 400; /* ms of quiet typing before the count is announced */
  var MIN_PREFIX = 3;     /* a shorter last word is not searched as a prefix: "r*" would walk the whole index */
  var SLOW_SEARCH = 50;   /* ms; after a search this slow, wait for a pause in typing */
  var TYPING_PAUSE = 150; /* ms */

  /* ---- Loading: the library and the main file once per page, then the
     shards that queries need, each once; shared by every search box ---- */
  var FORMAT = 2; /* the index format this script reads (search_index.rs FORMAT) */
  var loader = { state: "idle", data: null, waiting: [], base: "", digit: null, shards: [] };

  function addScript(src, done) {
    var s = document.createElement("script");
    s.src = src;
    s.async = false; /* run in the order added */
    s.onload = function () { done(true, s); };
    s.onerror = function () { s.parentNode.removeChild(s); done(false, s); };
    document.head.appendChild(s);
  }

  function load(libUrl, indexUrl, callback) {
    if (loader.state === "ready") { callback(null); return; }
    loader.waiting.push(callback);
    if (loader.state === "loading") return;
    loader.state = "loading";
    var urls = [];
    if (!window.elasticlunr) urls.push(libUrl);
    if (!window.partnerbookSearch) urls.push(indexUrl);
    var pending = urls.length;
    var ok = true;
    function finish() {
      var error = null;
      try {
        if (!ok || !window.elasticlunr || !window.partnerbookSearch) throw new Error("the search index did not load");
        var data = window.partnerbookSearch;
        if (data.format !== FORMAT) throw new Error("the search index has format " + data.format + ", not " + FORMAT);
        loader.digit = [];
        for (var i = 0; i < data.digits.length; i++) loader.digit[data.digits.charCodeAt(i)] = i;
        loader.base = indexUrl.replace(/[^\/]*$/, ""); /* shard files are relative to the main file */
        loader.shards = data.shards.map(function () { return { state: "idle", terms: null, waiting: [] }; });
        loader.data = data;
      } catch (e) {
        error = e;
      }
      loader.state = error ? "idle" : "ready"; /* after a failure, the next use tries again */
      var waiting = loader.waiting;
      loader.waiting = [];
      waiting.forEach(function (cb) { cb(error); });
    }
    if (!pending) { finish(); return; }
    urls.forEach(function (src) {
      addScript(src, function (loaded) {
        if (!loaded) ok = false;
        if (--pending === 0) finish();
      });
    });
  }

  /* Loads the shards numbered in `list` that are not loaded yet, then calls
     back (with an error if one could not be loaded; it is tried again on the
     next call). A shard script files its terms under its name in
     window.partnerbookSearchShards. */
  function loadShards(list, callback) {
    var pending = 0;
    var failed = false;
    function one(ok) {
      if (!ok) failed = true;
      if (--pending === 0) callback(failed ? new Error("a part of the search index did not load") : null);
    }
    list.forEach(function (i) {
      var shard = loader.shards[i];
      if (shard.state === "ready") return;
      pending++;
      shard.waiting.push(one);
      if (shard.state === "loading") return;
      shard.state = "loading";
      var file = loader.data.shards[i][1];
      var name = file.replace(/^.*\//, "").replace(/\.js$/, "");
      addScript(loader.base + file, function (loaded, script) {
        var store = window.partnerbookSearchShards;
        var terms = loaded && store && store[name];
        if (terms) {
          shard.terms = terms;
          delete store[name];
          script.parentNode.removeChild(script);
        }
        shard.state = terms ? "ready" : "idle";
        var waiting = shard.waiting;
        shard.waiting = [];
        waiting.forEach(function (cb) { cb(!!terms); });
      });
    });
    if (!pending) callback(null);
  }

  /* ---- The index: shards of sorted terms, postings in compact strings ---- */
  /* The number of the shard whose terms would hold `term`: the last one
     whose first term is not after it. Strings compare as in search_index.rs. */
  function shardOf(term) {
    var shards = loader.data.shards;
    var lo = 0;
    var hi = shards.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (shards[mid][0] <= term) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  /* The shards that hold `token`, or every term that begins with it. */
  function shardsFor(token, prefix, out) {
    var shards = loader.data.shards;
    var i = shardOf(token);
    if (out.indexOf(i) < 0) out.push(i);
    if (prefix) {
      for (i++; i < shards.length && shards[i][0].lastIndexOf(token, 0) === 0; i++) {
        if (out.indexOf(i) < 0) out.push(i);
      }
    }
    return out;
  }

  /* Calls each(term, postings) for `token`, or for every term that begins
     with it, from loaded shards. Terms in a shard: [term, postings, ...], sorted. */
  function lookup(token, prefix, each) {
    shardsFor(token, prefix, []).forEach(function (s) {
      var terms = loader.shards[s].terms;
      if (!terms) return;
      var lo = 0;
      var hi = terms.length / 2;
      while (lo < hi) {
        var mid = (lo + hi) >> 1;
        if (terms[2 * mid] < token) lo = mid + 1; else hi = mid;
      }
      for (var j = 2 * lo; j < terms.length; j += 2) {
        var t = terms[j];
        if (prefix ? t.lastIndexOf(token, 0) !== 0 : t !== token) break;
        each(t, terms[j + 1]);
      }
    });
  }

  /* Adds what one field's postings give to `scores`: each posting is a
     number, (document gap) * levels + (level - 1), written as digits "more
     follows" (value >= last) then one final digit. The weight is BM25: idf
     from the number of documents, times the level, times the field's boost
     and the term's penalty. Returns the documents, for the word's count. */
  function addPostings(text, factor, acc) {
    var data = loader.data;
    var digit = loader.digit;
    var last = data.last;
    var more = data.digits.length - last;
    var levels = data.levels;
    var docs = [];
    var weights = [];
    var high = 0;
    var next = 0;
    for (var i = 0; i < text.length; i++) {
      var d = digit[text.charCodeAt(i)];
      if (d < last) {
        var v = high * last + d;
        high = 0;
        var doc = next + Math.floor(v / levels);
        docs.push(doc);
        weights.push((v % levels) + 0.5);
        next = doc + 1;
      } else {
        high = high * more + d - last;
      }
    }
    var n = data.docs.length;
    var idf = Math.log(1 + (n - docs.length + 0.5) / (docs.length + 0.5));
    for (var k = 0; k < docs.length; k++) acc.add(docs[k], factor * idf * weights[k]);
  }

  /* Documents for the planned query, best first: [{doc, score}]. */
  function search(how) {
    var data = loader.data;
    var n = data.docs.length;
    var scores = new Float64Array(n);
    var words = new Uint16Array(n); /* how many of the query's words each document has */
    var lastWord = new Int32Array(n).fill(-1);
    var found = [];
    var parts = how.parts.filter(function (p) { return p.token; });
    parts.forEach(function (part, w) {
      var acc = {
        add: function (doc, value) {
          if (scores[doc] === 0) found.push(doc);
          scores[doc] += value;
          if (lastWord[doc] !== w) { lastWord[doc] = w; words[doc]++; }
        },
      };
      lookup(part.token, part.prefix, function (term, postings) {
        /* As elasticlunr: a longer word found by the prefix counts less. */
        var penalty = term === part.token ? 1 : 0.15 * (1 - (term.length - part.token.length) / term.length);
        postings.split(" ").forEach(function (list, f) {
          if (list) addPostings(list, data.boost[data.fields[f]] * penalty, acc);
        });
      });
    });
    var hits = found.map(function (doc) { return { doc: doc, score: scores[doc] * words[doc] / parts.length }; });
    hits.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
    return hits;
  }

  /* ---- Text: the same folding and word rules as the index ---- */
  /* Accents off, as search_index.rs does before indexing. */
  function fold(text) {
    return text.normalize ? text.normalize("NFD").replace(/[\u0300-\u036f]/g, "") : text;
  }

  /* elasticlunr's trimmer: only ASCII letters, digits and _ count at a word's edges. */
  function trim(word) {
    return word.replace(/^\W+/, "").replace(/\W+$/, "");
  }

  /* The words of the query as elasticlunr's tokenizer splits them, lower
     case and trimmed, without stop words; a stop word written in capitals
     ("IT") is kept ("loud"), as the index keeps it. */
  function words(query) {
    var out = [];
    fold(query).split(/[\s\-]+/).forEach(function (raw) {
      var word = trim(raw.toLowerCase());
      if (!word) return;
      var loud = /^[A-Z]{2,}$/.test(trim(raw));
      if (loud || window.elasticlunr.stopWordFilter(word)) out.push({ text: word, loud: loud });
    });
    return out;
  }

  /* The term that `text` (a word or its start) becomes: elasticlunr's
     pipeline, trimmer, stop words (unless the word is loud), stemmer. */
  function term(word, text) {
    var lunr = window.elasticlunr;
    var t = lunr.trimmer(text);
    if (!t || (!word.loud && !lunr.stopWordFilter(t))) return null;
    return lunr.stemmer(t) || null;
  }

  /* How to search for what is typed so far. The last word is still being
     typed: it is searched as a prefix once it has MIN_PREFIX letters, and
     left out until then if other words come first; a single short word is
     searched as a whole word. The index holds stems ("meet" for "meeting"),
     so a half-typed word that begins no term, such as "meeti", is shortened
     until it does ("meet"): `cuts` are its starts, longest first, and
     `resolve` picks one once the shards are loaded. */
  function plan(query) {
    var typed = words(query);
    var search = typed.slice();
    if (search.length > 1 && search[search.length - 1].text.length < MIN_PREFIX) search.pop();
    var expand = search.length > 0 && search[search.length - 1].text.length >= MIN_PREFIX;
    var parts = search.map(function (w, i) {
      if (!expand || i < search.length - 1) return { word: w, text: w.text, token: term(w, w.text), prefix: false };
      var cuts = [];
      for (var cut = w.text.length; cut >= MIN_PREFIX; cut--) {
        var t = term(w, w.text.slice(0, cut));
        if (t) cuts.push({ text: trim(w.text.slice(0, cut)), token: t });
      }
      return { word: w, text: w.text, token: cuts.length ? cuts[0].token : null, prefix: true, cuts: cuts };
    });
    return { typed: typed, parts: parts, expand: expand };
  }

  /* The shards a plan needs. */
  function shardsOf(how) {
    var out = [];
    how.parts.forEach(function (p) {
      if (p.cuts) p.cuts.forEach(function (c) { shardsFor(c.token, true, out); });
      else if (p.token) shardsFor(p.token, false, out);
    });
    return out;
  }

  /* With the shards loaded: the prefix searched for the last word, and the
     words to highlight (each typed word and its stem, as prefixes when the
     search expands). */
  function resolve(how) {
    how.parts.forEach(function (p) {
      if (!p.cuts) return;
      for (var i = 0; i < p.cuts.length; i++) {
        var any = false;
        lookup(p.cuts[i].token, true, function () { any = true; });
        if (any) { p.token = p.cuts[i].token; p.text = p.cuts[i].text; return; }
      }
    });
    var stem = window.elasticlunr.stemmer;
    var list = [];
    how.typed.map(function (w) { return w.text; }).concat(how.parts.map(function (p) { return p.text; })).forEach(function (word) {
      if (list.indexOf(word) < 0) list.push(word);
      var s = stem(word);
      if (s && s.length > 1 && list.indexOf(s) < 0) list.push(s);
    });
    how.terms = { prefix: how.expand, list: list };
    return how;
  }

  function matches(word, terms) {
    var core = trim(fold(word).toLowerCase());
    if (!core) return false;
    var stemmed = terms.prefix ? null : window.elasticlunr.stemmer(core);
    for (var i = 0; i < terms.list.length; i++) {
      var t = terms.list[i];
      if (terms.prefix ? core.lastIndexOf(t, 0) === 0 : core === t || stemmed === t) return true;
    }
    return false;
  }

  /* Appends `text` to `parent`, each word that starts with a term in <mark>.
     Text nodes only: nothing from the index is ever parsed as HTML. */
  var EDGE = /^[\s!-\/:-@\[-`{-~\u00a0-\u00bf\u2000-\u206f]+|[\s!-\/:-@\[-`{-~\u00a0-\u00bf\u2000-\u206f]+$/g;
  function appendMarked(parent, text, terms) {
    var words = /[^\s\-]+/g;
    var last = 0;
    var found = false;
    var m;
    while ((m = words.exec(text))) {
      if (!matches(m[0], terms)) continue;
      var inner = m[0].replace(EDGE, "");
      var start = m.index + m[0].indexOf(inner);
      var end = start + inner.length;
      if (start > last) parent.appendChild(document.createTextNode(text.slice(last, start)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(start, end);
      parent.appendChild(mark);
      last = end;
      found = true;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
    return found;
  }

  function hasMatch(text, terms) {
    var words = text.split(/[\s\-]+/);
    for (var i = 0; i < words.length; i++) if (matches(words[i], terms)) return true;
    return false;
  }

  /* ---- One search box ---- */
  function setup(form) {
    var input = form.querySelector("[role=combobox]");
    var list = input && document.getElementById(input.getAttribute("aria-controls"));
    var status = form.querySelector("[role=status]");
    if (!input || !list || !status) return;
    var libUrl = form.getAttribute("data-search-lib");
    var indexUrl = form.getAttribute("data-search-index");
    var results = [];
    var active = -1;
    var statusTimer = null;
    var typingTimer = null;
    var lastQuery = null;
    var lastMs = 0;

    form.hidden = false; /* without JavaScript the box would do nothing, so it starts hidden */

    function say(text, now) {
      clearTimeout(statusTimer);
      if (now) { status.textContent = text; return; }
      statusTimer = setTimeout(function () { status.textContent = text; }, STATUS_DELAY);
    }

    function open(show) {
      var shown = show && results.length > 0;
      list.hidden = !shown;
      input.setAttribute("aria-expanded", shown ? "true" : "false");
      if (!shown) setActive(-1);
    }

    function setActive(i) {
      var items = list.children;
      if (active >= 0 && items[active]) items[active].setAttribute("aria-selected", "false");
      active = i;
      if (i >= 0 && items[i]) {
        items[i].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", items[i].id);
        if (items[i].scrollIntoView) items[i].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function follow(i, newTab) {
      var r = results[i];
      if (!r) return;
      var url = r.url;
      /* From file:// no server turns a folder into its index.html. */
      if (window.location.protocol === "file:" && /\/$/.test(url)) url += "index.html";
      if (newTab) { window.open(url, "_blank", "noopener"); return; }
      open(false);
      window.location.href = url;
    }

    function option(doc, i, terms) {
      var li = document.createElement("li");
      li.id = list.id + "-" + i;
      li.className = "search-result";
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      var kind = document.createElement("span");
      kind.className = "search-kind search-kind-" + doc.kind.toLowerCase();
      kind.textContent = doc.kind;
      var title = document.createElement("span");
      title.className = "search-title";
      appendMarked(title, doc.title, terms);
      li.appendChild(kind);
      li.appendChild(document.createTextNode(" ")); /* words apart in the accessible name */
      li.appendChild(title);
      var people = doc.people && hasMatch(doc.people, terms);
      var text = people ? doc.people : doc.text;
      if (text) {
        var snippet = document.createElement("span");
        snippet.className = "search-snippet";
        if (people) snippet.appendChild(document.createTextNode("Contacts: "));
        appendMarked(snippet, text, terms);
        li.appendChild(document.createTextNode(" "));
        li.appendChild(snippet);
      }
      li.addEventListener("click", function (e) { follow(i, e.ctrlKey || e.metaKey || e.shiftKey); });
      return li;
    }

    function run() {
      clearTimeout(typingTimer);
      var query = input.value.trim();
      if (query === lastQuery) return;
      var how = query ? plan(query) : null;
      /* The shards this query needs come first; the results shown stay
         until they are loaded, then the query (or a newer one) runs. */
      var need = how ? shardsOf(how).filter(function (i) { return loader.shards[i].state !== "ready"; }) : [];
      if (need.length) {
        loadShards(need, function (error) {
          if (error) { say("Search could not be loaded.", true); return; }
          run();
        });
        return;
      }
      lastQuery = query;
      results = [];
      list.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (!query) { open(false); say("", true); return; }
      var data = loader.data;
      var t0 = Date.now();
      var hits = search(resolve(how));
      lastMs = Date.now() - t0;
      var terms = how.terms;
      var shown = hits.slice(0, MAX_RESULTS);
      shown.forEach(function (hit, i) {
        var d = data.docs[hit.doc];
        var doc = { kind: data.kinds[d[0]], title: d[1], url: d[2], text: d[3], people: d[4] || "" };
        results.push(doc);
        list.appendChild(option(doc, i, terms));
      });
      open(true);
      if (!hits.length) say("No results", false);
      else if (hits.length > shown.length) say(hits.length + " results, showing the first " + shown.length, false);
      else say(hits.length === 1 ? "1 result" : hits.length + " results", false);
    }

    function ensure(then) {
      if (loader.state === "ready") { if (then) then(); return; }
      if (loader.state !== "loading") say("Loading search…", true);
      load(libUrl, indexUrl, function (error) {
        if (error) { say("Search could not be loaded.", true); return; }
        if (status.textContent === "Loading search…") say("", true);
        lastQuery = null;
        if (input.value.trim()) run();
        if (then) then();
      });
    }

    input.addEventListener("focus", function () {
      ensure(function () { if (input.value.trim()) open(true); });
    });
    input.addEventListener("input", function () {
      if (loader.state !== "ready") { ensure(); return; }
      /* Typing shows the results again after Escape closed them, even when
         the query is the same (a space typed before the next word). */
      if (input.value.trim() === lastQuery) { open(true); return; }
      clearTimeout(typingTimer);
      if (lastMs < SLOW_SEARCH) run(); else typingTimer = setTimeout(run, TYPING_PAUSE);
    });
    input.addEventListener("keydown", function (e) {
      /* Keys that an input method is using (Enter to confirm a composition,
         Escape to cancel it) are not ours. */
      if (e.isComposing || e.keyCode === 229) return;
      /* A search still waiting for a pause in typing runs before keys act on its results. */
      if (/^(Arrow)?(Down|Up)$|^Enter$/.test(e.key) && loader.state === "ready" && input.value.trim() !== lastQuery) run();
      var n = results.length;
      switch (e.key) {
        case "ArrowDown":
        case "Down":
          e.preventDefault();
          if (!n) return;
          if (list.hidden) { open(true); setActive(e.altKey ? -1 : 0); return; }
          setActive(active + 1 < n ? active + 1 : 0);
          break;
        case "ArrowUp":
        case "Up":
          e.preventDefault();
          if (!n) return;
          if (list.hidden) { open(true); setActive(n - 1); return; }
          setActive(active > 0 ? active - 1 : n - 1);
          break;
        case "Enter":
          e.preventDefault();
          if (!list.hidden && n) follow(active >= 0 ? active : 0, e.ctrlKey || e.metaKey);
          break;
        case "Escape":
        case "Esc":
          e.preventDefault();
          if (!list.hidden) open(false);
          else if (input.value) { input.value = ""; run(); }
          else input.blur();
          break;
        case "Tab":
          open(false);
          break;
      }
    });
    /* Clicks on results keep the focus in the box. */
    list.addEventListener("mousedown", function (e) { e.preventDefault(); });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (results.length) follow(active >= 0 ? active : 0, false);
    });
    form.addEventListener("focusout", function () {
      setTimeout(function () { if (!form.contains(document.activeElement)) open(false); }, 0);
    });

    /* "/" anywhere but in a text field opens the search. */
    document.addEventListener("keydown", function (e) {
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      var t = e.target;
      if (t && (t.isContentEditable || /^(TEXTAREA|SELECT)$/.test(t.tagName) ||
                (t.tagName === "INPUT" && !/^(checkbox|radio|button|submit|reset)$/.test(t.type)))) return;
      e.preventDefault();
      input.focus();
      input.select();
    });
  }

  function start() {
    var forms = document.querySelectorAll("form[data-search-index]");
    for (var i = 0; i < forms.length; i++) setup(forms[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
