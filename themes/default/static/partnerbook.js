/* partnerbook: the little JavaScript the guide uses. Every page reads fine
   without it; it adds copy buttons, checklist memory, instant filters and a
   print button. No dependencies, no network. */
(function () {
  "use strict";

  var live = document.createElement("div");
  live.className = "visually-hidden";
  live.setAttribute("role", "status");
  live.id = "partnerbook-announcer";
  live.setAttribute("aria-live", "polite");
  document.addEventListener("DOMContentLoaded", function () { document.body.appendChild(live); });
  function announce(text) { live.textContent = ""; setTimeout(function () { live.textContent = text; }, 30); }

  /* Copy buttons: message templates in playbooks and the brief's follow-up. */
  function copyByCommand(text) {
    return new Promise(function (resolve, reject) {
      var focused = document.activeElement;
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      try { document.execCommand("copy") ? resolve() : reject(new Error("copy refused")); }
      catch (e) { reject(e); }
      finally {
        document.body.removeChild(area);
        /* Give keyboard focus back to the button that was pressed. */
        if (focused && focused.focus) focused.focus();
      }
    });
  }
  function copyText(text) {
    if (navigator.clipboard && navigator.clipboard.writeText && window.isSecureContext) {
      /* The asynchronous API refuses when the page lacks focus or permission; the old way may still work. */
      return navigator.clipboard.writeText(text).then(null, function () { return copyByCommand(text); });
    }
    return copyByCommand(text);
  }
  /* A message as it is pasted into a mail program: the source keeps the
     Markdown's hard-wrapped lines, and a mail program would keep each break.
     A break is a wrap when the line was (nearly) full: the next line's first
     word would not have fitted on it, or it is at least three quarters of
     the widest line (hand-wrapped text breaks early); a break after a short
     line ("Best wishes,", a signature, an address) is the writer's and stays. List items
     start their own line (their wrapped continuations join them), blank
     lines stay, and a line ending in two spaces or a backslash (Markdown's
     hard break) keeps its break. Emails only: a template (a memorandum, a
     note with columns) is copied as written. */
  var LIST_ITEM = /^\s*(?:[-*+]|\d+[.)])\s/;
  /* Columns lined up with spaces ("Hours:   9 to 5"): a layout, never wrapped. */
  var ALIGNED = /\S {2,}\S/;
  function asParagraphs(text) {
    var lines = text.replace(/\r\n?/g, "\n").replace(/\n+$/, "").split("\n");
    /* The width the writer wrapped at: the longest line, but at least 60
       characters, so that a block of short lines is never taken as wrapped. */
    var width = 60;
    lines.forEach(function (l) { width = Math.max(width, l.trimEnd().length); });
    var out = [];
    /* The length of the source line before, while the line out may take the
       next one; widths are judged on the source's lines, not joined ones. */
    var before = -1;
    lines.forEach(function (raw) {
      var hard = /( {2,}|\\)$/.test(raw);
      var line = raw.replace(/( {2,}|\\)$/, "").trimEnd();
      if (line === "") { out.push(""); before = -1; return; }
      var first = line.trim().split(/\s+/)[0];
      var full = before + 1 + first.length > width || before >= width * 0.75;
      if (before >= 0 && !LIST_ITEM.test(line) && !ALIGNED.test(line) && full) {
        out[out.length - 1] += " " + line.trim();
      } else {
        out.push(LIST_ITEM.test(line) ? line : line.trim());
      }
      before = hard || ALIGNED.test(line) ? -1 : line.length;
    });
    return out.join("\n") + "\n";
  }
  /* An email template: its "Subject: ..." first line apart from the body. */
  function splitSubject(text) {
    var m = /^Subject:[ \t]*(.*)\n(?:[ \t]*\n)*/.exec(text);
    return m ? { subject: m[1].trim(), body: text.slice(m[0].length) } : { subject: null, body: text };
  }
  /* A mailto: link with the subject and body filled (RFC 6068: percent-encoded, CRLF line ends). */
  function mailtoHref(subject, body) {
    var parts = [];
    if (subject) parts.push("subject=" + encodeURIComponent(subject));
    parts.push("body=" + encodeURIComponent(body.replace(/\n/g, "\r\n")));
    return "mailto:?" + parts.join("&");
  }
  function wireCopy(button, read) {
    var label = button.textContent;
    var timer = null;
    button.hidden = false;
    button.addEventListener("click", function () {
      copyText(read()).then(function () {
        /* A second click within two seconds must not make "Copied" the label for good. */
        clearTimeout(timer);
        button.textContent = "Copied";
        announce("Copied to the clipboard");
        timer = setTimeout(function () { button.textContent = label; }, 2000);
      }, function () { announce("Could not copy; select the text and copy it by hand"); });
    });
  }
  function makeButton(label, controls) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button copy-button";
    button.textContent = label;
    button.setAttribute("aria-controls", controls);
    return button;
  }
  function setupCopy() {
    document.querySelectorAll("pre > code.language-email, pre > code.language-template").forEach(function (code, i) {
      var pre = code.parentElement;
      if (!pre.id) pre.id = "template-" + (i + 1);
      var email = code.classList.contains("language-email");
      /* Read when clicked: the page keeps the source as written. */
      var parts = function () { return email ? splitSubject(code.textContent) : { subject: null, body: code.textContent }; };
      var row = document.createElement("p");
      row.className = "actions-row copy-row";
      var copyBody = makeButton(email ? "Copy this email" : "Copy this template", pre.id);
      wireCopy(copyBody, function () { return email ? asParagraphs(parts().body) : parts().body; });
      row.appendChild(copyBody);
      if (parts().subject !== null) {
        var copySubject = makeButton("Copy the subject", pre.id);
        wireCopy(copySubject, function () { return parts().subject; });
        row.appendChild(copySubject);
      }
      if (email) {
        var mail = document.createElement("a");
        mail.className = "button mail-link";
        mail.textContent = "Open in your mail program";
        mail.href = mailtoHref(parts().subject, asParagraphs(parts().body));
        row.appendChild(mail);
      }
      pre.insertAdjacentElement("afterend", row);
    });
    document.querySelectorAll("[data-copy-target]").forEach(function (button) {
      var target = document.getElementById(button.getAttribute("data-copy-target"));
      /* A message (a pre) is copied as paragraphs; a one-line field (the subject) as it reads. */
      if (target) wireCopy(button, function () {
        return target.tagName === "PRE" ? asParagraphs(target.textContent) : target.textContent.trim();
      });
    });
  }

  /* Checklists: task-list boxes become clickable and remember their ticks per page. */
  function itemText(li) {
    /* The item's own words, without those of the lists nested in it. */
    var copy = li.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll("ul, ol"), function (l) { l.parentNode.removeChild(l); });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }
  function setupChecklists() {
    /* A tight list has the box right in the item, a loose one in the item's first paragraph. */
    var boxes = Array.prototype.slice.call(document.querySelectorAll(
      ".prose li > input[type=checkbox], .prose li > p:first-child > input[type=checkbox]"));
    if (!boxes.length) return;
    var key = "partnerbook:checklist:" + location.pathname;
    var saved = null;
    try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
    var defaults = boxes.map(function (b) { return b.checked; });
    function save() {
      try { localStorage.setItem(key, JSON.stringify(boxes.map(function (b) { return b.checked; }))); } catch (e) { /* private mode */ }
    }
    boxes.forEach(function (box, i) {
      box.disabled = false;
      box.removeAttribute("disabled");
      box.setAttribute("aria-label", itemText(box.closest("li")));
      box.setAttribute("data-task", String(i));
      if (saved && typeof saved[i] === "boolean") box.checked = saved[i];
      box.addEventListener("change", save);
    });
    var first = boxes[0].closest("ul, ol");
    while (first.parentElement && first.parentElement.closest(".prose li")) first = first.parentElement.closest("ul, ol");
    var reset = document.createElement("button");
    reset.type = "button";
    reset.className = "button reset-checklist";
    reset.textContent = "Reset the checklists on this page";
    reset.addEventListener("click", function () {
      boxes.forEach(function (b, i) { b.checked = defaults[i]; });
      try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
      announce("Checklists reset");
    });
    first.insertAdjacentElement("beforebegin", reset);
  }

  /* Instant filters: the filter links are real pages; with JavaScript they filter in place. */
  function setupFilters(scope, listSelector, itemSelector, facets, match) {
    var links = document.querySelectorAll(scope + " a");
    var list = document.querySelector(listSelector);
    if (!links.length || !list) return;
    /* A filter page holds only its own items, so filtering it in place could not show the others:
       there the links stay plain links. */
    if (facetOf(location.pathname, facets)) return;
    var count = document.querySelector(".result-count");
    var noun = count ? count.textContent.trim().replace(/^\d+\s*/, "").replace(/s$/, "") : "";
    function apply(href, push) {
      var items = Array.prototype.slice.call(document.querySelectorAll(itemSelector));
      var shown = 0;
      items.forEach(function (item) {
        var ok = match(item, href);
        item.hidden = !ok;
        if (ok) shown++;
      });
      document.querySelectorAll("[data-group]").forEach(function (g) {
        var visible = g.querySelectorAll(itemSelector + ":not([hidden])").length;
        g.hidden = !visible;
        var n = g.querySelector("h2 .count");
        if (n) n.textContent = "(" + visible + ")";
      });
      links.forEach(function (a) {
        if (a.getAttribute("href") === href) a.setAttribute("aria-current", "page");
        else a.removeAttribute("aria-current");
      });
      if (count) count.textContent = shown + " " + noun + (shown === 1 ? "" : "s");
      if (push && href !== location.pathname) history.pushState({ href: href }, "", href);
    }
    links.forEach(function (a) {
      a.addEventListener("click", function (e) {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        apply(a.getAttribute("href"), true);
      });
    });
    window.addEventListener("popstate", function () { apply(location.pathname, false); });
  }
  function facetOf(href, names) {
    var m = new RegExp("/(" + names + ")/([^/]+)/$").exec(href);
    return m ? { facet: m[1], value: decodeURIComponent(m[2]) } : null;
  }

  /* Filter panels: closed in the page, so that on a phone the list comes first; opened at once
     where the screen is wide enough to show the facets beside little else. */
  function setupFilterPanels() {
    if (!window.matchMedia("(min-width: 48rem)").matches) return;
    document.querySelectorAll("[data-filter-panel]").forEach(function (d) { d.open = true; });
  }

  /* "Whose items": a person picks their name once (remembered in this browser), and the lists of
     open items put theirs first, marked "Yours". The counts come from the page (made by the same
     rules as the lists); the owner's own page lists them all. Without JavaScript the control stays
     hidden and the owner pages do the job. */
  var WHOSE_KEY = "partnerbook:whose";
  function setupWhose() {
    var box = document.querySelector("[data-whose]");
    if (!box) return;
    var select = box.querySelector("[data-whose-select]");
    var summary = box.querySelector("[data-whose-summary]");
    var lists = Array.prototype.slice.call(document.querySelectorAll("[data-group] tbody, [data-whose-list]"));
    /* Each list's own order, to go back to when the choice changes. */
    var orders = lists.map(function (l) { return Array.prototype.slice.call(l.children); });
    var saved = "";
    try { saved = localStorage.getItem(WHOSE_KEY) || ""; } catch (e) { saved = ""; }
    var known = Array.prototype.some.call(select.options, function (o) { return o.value === saved; });
    select.value = known ? saved : "";
    box.hidden = false;
    function mark(row, mine) {
      row.classList.toggle("mine", mine);
      var tag = row.querySelector(".mine-tag");
      if (mine && !tag) {
        tag = document.createElement("span");
        tag.className = "badge badge-mine mine-tag";
        tag.textContent = "Yours";
        var cell = row.querySelector(".owner");
        if (cell) { cell.appendChild(document.createTextNode(" ")); cell.appendChild(tag); }
        else row.insertBefore(tag, row.firstChild);
      } else if (!mine && tag) {
        if (tag.previousSibling && tag.previousSibling.nodeType === 3) tag.parentNode.removeChild(tag.previousSibling);
        tag.parentNode.removeChild(tag);
      }
    }
    function describe(option) {
      summary.textContent = "";
      if (!option || !option.value) { summary.hidden = true; return ""; }
      var overdue = Number(option.getAttribute("data-overdue"));
      var week = Number(option.getAttribute("data-this-week"));
      var text = option.textContent + ": " + overdue + " overdue, " + week + " due within 7 days. ";
      summary.appendChild(document.createTextNode(text));
      var link = document.createElement("a");
      link.href = option.getAttribute("data-url");
      link.textContent = "All open actions of " + option.textContent;
      summary.appendChild(link);
      summary.hidden = false;
      return text;
    }
    function apply() {
      var me = select.value;
      lists.forEach(function (list, i) {
        var rows = orders[i];
        var isMine = function (r) { return me !== "" && r.getAttribute("data-owner") === me; };
        rows.filter(isMine).concat(rows.filter(function (r) { return !isMine(r); }))
          .forEach(function (r) { list.appendChild(r); });
        rows.forEach(function (r) { mark(r, isMine(r)); });
      });
      return describe(select.options[select.selectedIndex]);
    }
    select.addEventListener("change", function () {
      try {
        if (select.value) localStorage.setItem(WHOSE_KEY, select.value);
        else localStorage.removeItem(WHOSE_KEY);
      } catch (e) { /* private mode: the choice lasts for this page */ }
      var text = apply();
      announce(select.value ? "Your items are listed first. " + text : "Items are in the usual order");
    });
    apply();
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupCopy();
    setupChecklists();
    setupFilters("[data-directory-filters]", "[data-directory]", "[data-directory] > li", "kind|status|tag", function (item, href) {
      var f = facetOf(href, "kind|status|tag");
      if (!f) return true;
      if (f.facet === "tag") return (" " + item.getAttribute("data-tags") + " ").indexOf(" " + f.value + " ") >= 0;
      return item.getAttribute("data-" + f.facet) === f.value;
    });
    setupFilters("[data-filter-scope]", ".actions-table", "[data-group] tbody > tr", "owner|partner", function (item, href) {
      var f = facetOf(href, "owner|partner");
      if (!f) return true;
      return item.getAttribute("data-" + f.facet) === f.value;
    });
    setupFilterPanels();
    setupWhose();
    document.querySelectorAll("[data-print]").forEach(function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
  });
})();
