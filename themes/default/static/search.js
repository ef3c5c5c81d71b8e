/* partnerbook search: the search box in the header of every page.
   Nothing is loaded until the box is first used (focus, or the "/" key); then
   elasticlunr.min.js and the guide's search-index.js are added as <script>
   elements, which works from file:// and offline, where fetch() is refused.
   Pattern: an ARIA 1.2 combobox (the input) with a listbox popup; arrow keys
   move through the results, Enter follows, Escape closes, and a polite live
   region says how many results there are. No dependency but elasticlunr. */
(function () {
  "use strict";

  var MAX_RESULTS = 10;
  var STATUS_DELAY = 400; /* ms of quiet typing before the count is announced */
  var MIN_PREFIX = 3;     /* a shorter last word is not searched as a prefix: "r*" would walk the whole index */
  var SLOW_SEARCH = 50;   /* ms; after a search this slow, wait for a pause in typing */
  var TYPING_PAUSE = 150; /* ms */

  /* ---- Loading: both scripts, once per page, shared by every search box ---- */
  var loader = { state: "idle", index: null, data: null, waiting: [] };

  function addScript(src, done) {
    var s = document.createElement("script");
    s.src = src;
    s.async = false; /* run in the order added */
    s.onload = function () { done(true); };
    s.onerror = function () { s.parentNode.removeChild(s); done(false); };
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
        loader.data = window.partnerbookSearch;
        loader.index = window.elasticlunr.Index.load(loader.data.index);
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

  /* ---- Text: the same folding and word rules as the index ---- */
  /* Accents off, as search_index.rs does before indexing. */
  function fold(text) {
    return text.normalize ? text.normalize("NFD").replace(/[\u0300-\u036f]/g, "") : text;
  }

  /* elasticlunr's trimmer: only ASCII letters, digits and _ count at a word's edges. */
  function trim(word) {
    return word.replace(/^\W+/, "").replace(/\W+$/, "");
  }

  function words(query) {
    var out = [];
    fold(query).toLowerCase().split(/[\s\-]+/).forEach(function (word) {
      word = trim(word);
      if (word && window.elasticlunr.stopWordFilter(word)) out.push(word);
    });
    return out;
  }

  /* The longest start of a half-typed word that some indexed word begins
     with. The index holds stems ("meet" for "meeting"), so "meeti" itself
     begins no indexed word, but "meet" does. */
  function reachable(word) {
    var idx = loader.index;
    for (var cut = word.length; cut >= MIN_PREFIX; cut--) {
      var token = idx.pipeline.run([word.slice(0, cut)])[0];
      if (!token) continue;
      for (var f in idx.index) {
        /* Trimmed as the pipeline trims it: "zephyr's" cut to "zephyr'" must
           highlight "Zephyr", which a prefix with the apostrophe does not begin. */
        if (Object.prototype.hasOwnProperty.call(idx.index, f) && idx.index[f].getNode(token)) return trim(word.slice(0, cut));
      }
    }
    return word;
  }

  /* How to search for what is typed so far. The last word is still being
     typed: it is searched as a prefix (elasticlunr's "expand") once it has
     MIN_PREFIX letters, and left out until then if other words come first;
     a single short word is searched as a whole word. */
  function plan(query) {
    var typed = words(query);
    var search = typed.slice();
    if (search.length > 1 && search[search.length - 1].length < MIN_PREFIX) search.pop();
    var expand = search.length > 0 && search[search.length - 1].length >= MIN_PREFIX;
    if (expand) search[search.length - 1] = reachable(search[search.length - 1]);
    /* Highlight each word typed and its stem, as prefixes when the search expands. */
    var stem = window.elasticlunr.stemmer;
    var list = [];
    typed.concat(search).forEach(function (word) {
      if (list.indexOf(word) < 0) list.push(word);
      var s = stem(word);
      if (s && s.length > 1 && list.indexOf(s) < 0) list.push(s);
    });
    return { text: search.join(" "), expand: expand, terms: { prefix: expand, list: list } };
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
      lastQuery = query;
      results = [];
      list.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (!query) { open(false); say("", true); return; }
      var data = loader.data;
      var fields = {};
      for (var f in data.boost) if (Object.prototype.hasOwnProperty.call(data.boost, f)) fields[f] = { boost: data.boost[f] };
      var t0 = Date.now();
      var how = plan(query);
      var hits = loader.index.search(how.text, { fields: fields, bool: "OR", expand: how.expand });
      lastMs = Date.now() - t0;
      var terms = how.terms;
      var shown = hits.slice(0, MAX_RESULTS);
      shown.forEach(function (hit, i) {
        var doc = data.docs[+hit.ref];
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
