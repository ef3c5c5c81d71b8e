// partnerbook's editing controls. `partnerbook serve` serves this script at
// /_partnerbook/edit.js and links it from every page it serves while editing
// is on; a built site never has it. It reads the page data serve puts in
// <script type="application/json" id="partnerbook-edit">, adds the buttons and
// forms, and talks to serve's POST endpoints under /_partnerbook/edit/ with the
// per-process token. After a save, serve's live reload (or this script, if no
// reload comes) shows the new page, and this script shows what changed.
// No dependencies: plain DOM, fetch and <dialog>.
(function () {
  'use strict';

  var dataElement = document.getElementById('partnerbook-edit');
  if (!dataElement || !window.fetch) return;
  var config;
  try {
    config = JSON.parse(dataElement.textContent);
  } catch (e) {
    return;
  }
  var page = config.page || { kind: 'other' };
  var API = '/_partnerbook/edit/';
  // What the last save changed, kept across the reload that follows it.
  var SAVED_KEY = 'partnerbook-edit-saved';
  // How long to wait for serve's live reload before reloading by hand.
  var RELOAD_FALLBACK_MS = 4000;
  // How long to wait for a new page to be built before going to it anyway.
  var NEW_PAGE_WAIT_MS = 10000;
  // Typing pause before the preview is asked for.
  var PREVIEW_DEBOUNCE_MS = 250;

  var STYLE = [
    '.pb-edit{margin:1rem 0;padding:.75rem 1rem;border:1px dashed var(--border-strong);border-radius:var(--radius,8px);background:var(--surface-2);color:var(--text)}',
    '.pb-edit-row{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:0}',
    '.pb-edit-label{margin:0 .25rem 0 0;font-size:.875rem;color:var(--muted)}',
    '.pb-primary{background:var(--link);color:var(--on-accent);border-color:var(--link)}',
    '.pb-primary:hover{background:var(--link-hover);color:var(--on-accent)}',
    '.pb-mark-done{margin-left:.5rem;padding:.15em .6em;font-size:.8125rem}',
    'dialog.pb-dialog{width:min(40rem,calc(100vw - 2rem));max-height:calc(100vh - 2rem);padding:1.25rem 1.5rem;border:1px solid var(--border-strong);border-radius:var(--radius,8px);background:var(--surface);color:var(--text)}',
    'dialog.pb-dialog-wide{width:min(80rem,calc(100vw - 2rem))}',
    'dialog.pb-dialog::backdrop{background:rgb(0 0 0 / .55)}',
    '.pb-dialog h2{margin:0 0 .5rem;font-size:1.25rem}',
    '.pb-note,.pb-hint{font-size:.875rem;color:var(--muted);margin:.15rem 0 0}',
    '.pb-field{margin:.75rem 0}',
    '.pb-field label{display:block;font-weight:600;margin-bottom:.2rem}',
    '.pb-field input,.pb-field select,.pb-field textarea{width:100%;padding:.4rem .55rem;border:1px solid var(--border-strong);border-radius:var(--radius,8px);background:var(--bg);color:var(--text);font:inherit}',
    '.pb-field textarea{min-height:6rem;resize:vertical}',
    '.pb-body textarea{min-height:22rem;font-family:var(--mono,monospace);font-size:.875rem;line-height:1.45}',
    '.pb-req{color:var(--red)}',
    '.pb-dialog fieldset{margin:.75rem 0;padding:.25rem .9rem .5rem;border:1px solid var(--border);border-radius:var(--radius,8px)}',
    '.pb-dialog legend{font-weight:600;padding:0 .3rem}',
    '.pb-items-row{display:grid;grid-template-columns:minmax(0,2fr) minmax(0,1fr) minmax(0,1fr);gap:0 .75rem}',
    '@media (max-width:40rem){.pb-items-row{grid-template-columns:minmax(0,1fr)}}',
    '.pb-buttons{display:flex;flex-wrap:wrap;gap:.5rem;margin-top:1rem}',
    '.pb-error{color:var(--red);margin:.5rem 0 0}',
    '.pb-error:empty{margin:0}',
    '.pb-error p{margin:.25rem 0}',
    '.pb-status{color:var(--muted);margin:.5rem 0 0}',
    '.pb-diff{margin:.5rem 0;padding:.5rem .75rem;max-height:20rem;overflow:auto;background:var(--bg);color:var(--text);border:1px solid var(--border);border-radius:var(--radius,8px);font:.8125rem/1.45 var(--mono,monospace);white-space:pre}',
    '.pb-diff span{display:block}',
    '.pb-diff .pb-add{color:var(--green);background:var(--green-bg)}',
    '.pb-diff .pb-del{color:var(--red);background:var(--red-bg)}',
    '.pb-diff .pb-hunk{color:var(--blue)}',
    '.pb-editor{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:0 1.5rem}',
    '@media (max-width:60rem){.pb-editor{grid-template-columns:minmax(0,1fr)}}',
    '.pb-preview{border-left:3px solid var(--border);padding-left:1rem;min-width:0;align-self:start;position:sticky;top:0}',
    '.pb-preview h3{margin:.75rem 0 .25rem;font-size:1rem}',
    '.pb-problems{margin:.25rem 0;padding-left:1.25rem}',
    '.pb-problem-error{color:var(--red)}',
    '.pb-problem-warning{color:var(--amber)}',
    '.pb-preview-html{max-height:calc(100vh - 14rem);overflow:auto}',
    '.pb-saved{margin:1rem 0;padding:.75rem 1rem;border:1px solid var(--green);border-left-width:4px;border-radius:var(--radius,8px);background:var(--surface);color:var(--text)}',
    '.pb-saved-title{margin:0;font-weight:600}',
    '.pb-commit{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin:.5rem 0}',
    '.pb-commit .pb-field{margin:0;flex:1 1 18rem}',
    // The controls are for the screen: a printed page (a brief) is the page alone.
    '@media print{.pb-edit,.pb-saved,.pb-mark-done,.pb-dialog{display:none!important}}'
  ].join('\n');

  // ---- Small DOM helpers ----

  var idCounter = 0;
  function uid(prefix) {
    idCounter += 1;
    return 'pb-' + prefix + '-' + idCounter;
  }

  // An element with attributes (`text` sets its text, `class` its class) and children.
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === 'text') node.textContent = value;
      else if (name === 'class') node.className = value;
      else node.setAttribute(name, value === true ? '' : value);
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  function button(text, attrs) {
    var b = el('button', Object.assign({ type: 'button', class: 'button' }, attrs || {}));
    b.textContent = text;
    return b;
  }

  // Today in the browser's time zone, as <input type="date"> writes it.
  function today() {
    var d = new Date();
    var pad = function (n) { return (n < 10 ? '0' : '') + n; };
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate());
  }

  // A labelled form control. `spec`: name, label, type ('text', 'date',
  // 'textarea', 'select'), value, required, options ([value, text] pairs), hint.
  function field(spec) {
    var id = uid(spec.name);
    var control;
    if (spec.type === 'textarea') {
      control = el('textarea', { id: id, name: spec.name, rows: spec.rows || 4 });
      control.value = spec.value || '';
    } else if (spec.type === 'select') {
      control = el('select', { id: id, name: spec.name });
      spec.options.forEach(function (o) {
        var option = el('option', { value: o[0], text: o[1] });
        if (o[0] === (spec.value || '')) option.selected = true;
        control.appendChild(option);
      });
    } else {
      control = el('input', { id: id, name: spec.name, type: spec.type || 'text', autocomplete: 'off' });
      control.value = spec.value || '';
    }
    if (spec.required) control.required = true;
    var label = el('label', { for: id }, [spec.label, spec.required ? el('span', { class: 'pb-req', 'aria-hidden': 'true', text: ' *' }) : null]);
    var wrap = el('div', { class: 'pb-field' + (spec.className ? ' ' + spec.className : '') }, [label, control]);
    if (spec.hint) {
      var hint = el('p', { class: 'pb-hint', id: id + '-hint', text: spec.hint });
      control.setAttribute('aria-describedby', hint.id);
      wrap.appendChild(hint);
    }
    return { wrap: wrap, control: control };
  }

  function listText(list) {
    return (list || []).join(', ');
  }

  function splitList(text) {
    return text.split(',').map(function (s) { return s.trim(); }).filter(function (s) { return s !== ''; });
  }

  // ---- Talking to serve ----

  // The editing token. On loopback the page carries it; when serve is shared
  // on a network (--allow-edit), pages do not, and the person editing types
  // the one serve printed in its terminal, once per browser tab.
  var TOKEN_KEY = 'partnerbook:edit-token';
  function token() {
    if (config.token) return config.token;
    var saved = null;
    try { saved = sessionStorage.getItem(TOKEN_KEY); } catch (e) { saved = null; }
    if (saved) return saved;
    var typed = window.prompt('Editing token (partnerbook serve printed it in its terminal after "editing on: token"):') || '';
    typed = typed.trim();
    try { if (typed) sessionStorage.setItem(TOKEN_KEY, typed); } catch (e) { /* private mode */ }
    return typed;
  }

  // POSTs `body` as JSON to an edit endpoint; resolves to {status, data}.
  function post(endpoint, body) {
    return fetch(API + endpoint, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-Partnerbook-Token': token() },
      body: JSON.stringify(body)
    }).then(function (response) {
      // A refused token is asked for again on the next save.
      if (response.status === 403 && !config.token) {
        try { sessionStorage.removeItem(TOKEN_KEY); } catch (e) { /* private mode */ }
      }
      return response.text().then(function (text) {
        var data = null;
        try { data = JSON.parse(text); } catch (e) { data = { message: text || response.statusText }; }
        return { status: response.status, data: data || {} };
      });
    }, function () {
      return { status: 0, data: { message: 'partnerbook serve did not answer.', hint: 'Is it still running? Nothing was saved.' } };
    });
  }

  // A <pre> showing a unified diff, added and removed lines marked.
  function diffBlock(diff, label) {
    var pre = el('pre', { class: 'pb-diff', tabindex: '0', role: 'region', 'aria-label': label });
    String(diff || '').replace(/\n$/, '').split('\n').forEach(function (line) {
      var cls = null;
      if (/^@@/.test(line)) cls = 'pb-hunk';
      else if (/^\+(?!\+\+ )/.test(line)) cls = 'pb-add';
      else if (/^-(?!-- )/.test(line)) cls = 'pb-del';
      pre.appendChild(el('span', { class: cls, text: line }));
    });
    return pre;
  }

  // Shows a refused save in `box` (a role="alert" element): `lead` ("Not
  // saved" unless given), the message and hint, and for a conflict what
  // changed on disk and a way to reload.
  function showRefusal(box, answer, lead) {
    box.textContent = '';
    var data = answer.data || {};
    if (answer.status === 409 && typeof data.disk_diff === 'string') {
      box.appendChild(el('p', { text: 'Not saved: the file changed on disk since this page was loaded. ' + (data.message || '') }));
      box.appendChild(el('p', { text: 'What you typed is still here. What changed on disk:' }));
      box.appendChild(diffBlock(data.disk_diff, 'What changed on disk'));
      var reload = button('Reload the page (what you typed is lost)');
      reload.addEventListener('click', function () { location.reload(); });
      box.appendChild(reload);
      return;
    }
    var message = data.message || ('The save failed (HTTP ' + answer.status + ').');
    box.appendChild(el('p', { text: (lead || 'Not saved') + ': ' + message }));
    if (data.hint) box.appendChild(el('p', { text: 'Hint: ' + data.hint }));
  }

  // ---- Holding live reload while a form is open ----

  // serve's live-reload script announces each reload with a cancelable
  // `partnerbook:reload` event. While a form is open the reload waits, so a
  // change on disk never throws away what is being typed (a save then meets
  // the conflict and shows it); the page catches up when the form closes.
  var formsOpen = 0;
  var reloadWaiting = false;
  var wrote = false;
  window.addEventListener('partnerbook:reload', function (event) {
    if (formsOpen > 0 && !wrote) {
      event.preventDefault();
      reloadWaiting = true;
    }
  });

  function formClosed() {
    formsOpen -= 1;
    if (formsOpen === 0 && reloadWaiting && !wrote) location.reload();
  }

  // ---- After a save: reload, then say what changed ----

  function remember(saved) {
    try {
      sessionStorage.setItem(SAVED_KEY, JSON.stringify(saved));
    } catch (e) { /* storage off: the page still reloads, without the diff */ }
  }

  // An edit was written: keep its diff and wait for serve's live reload.
  function savedThenReload(answer, status) {
    remember({ path: location.pathname, file: answer.file, diff: answer.diff || '', git: !!answer.git });
    if (status) status.textContent = 'Saved. The page reloads…';
    wrote = true;
    if (reloadWaiting) location.reload();
    else setTimeout(function () { location.reload(); }, RELOAD_FALLBACK_MS);
  }

  // A file was created: go to its page once serve has built it.
  function createdThenGo(answer, status) {
    var url = answer.url || '/';
    remember({ path: url, file: answer.file, diff: '', git: !!config.git, created: true });
    // This page is left for the new one: no reload of it is needed.
    window.addEventListener('partnerbook:reload', function (event) { event.preventDefault(); });
    if (status) status.textContent = 'Created ' + answer.file + '. Opening its page…';
    var deadline = Date.now() + NEW_PAGE_WAIT_MS;
    (function poll() {
      fetch(url, { cache: 'no-store' }).then(function (r) { return r.ok; }, function () { return false; }).then(function (ok) {
        if (ok || Date.now() > deadline) location.href = url;
        else setTimeout(poll, 150);
      });
    })();
  }

  // The region at the top of the page that says what the last save changed.
  function showSaved() {
    var saved;
    try { saved = JSON.parse(sessionStorage.getItem(SAVED_KEY) || 'null'); } catch (e) { saved = null; }
    if (!saved) return;
    if (saved.path !== location.pathname) {
      sessionStorage.removeItem(SAVED_KEY);
      return;
    }
    var titleId = uid('saved-title');
    var region = el('section', { class: 'pb-saved', 'aria-labelledby': titleId, tabindex: '-1', id: 'partnerbook-saved' });
    region.appendChild(el('p', { class: 'pb-saved-title', id: titleId, text: (saved.created ? 'Created ' : 'Saved ') + saved.file }));
    if (saved.diff) {
      region.appendChild(el('p', { class: 'pb-note', text: 'What changed:' }));
      region.appendChild(diffBlock(saved.diff, 'What changed in ' + saved.file));
    } else if (!saved.created) {
      region.appendChild(el('p', { class: 'pb-note', text: 'Nothing changed in the file.' }));
    }
    var result = el('p', { class: 'pb-status', role: 'status' });
    if (saved.git && !saved.commit) {
      var message = field({ name: 'commit-message', label: 'Commit message', value: 'Update ' + saved.file + ' from the browser', required: true });
      var commit = button('Commit', { type: 'submit', class: 'button pb-primary' });
      var form = el('form', { class: 'pb-commit' }, [message.wrap, commit]);
      var error = el('div', { class: 'pb-error', role: 'alert' });
      form.addEventListener('submit', function (event) {
        event.preventDefault();
        commit.disabled = true;
        error.textContent = '';
        post('commit', { file: saved.file, message: message.control.value }).then(function (answer) {
          commit.disabled = false;
          if (answer.status === 200 && answer.data.ok) {
            saved.commit = answer.data.commit;
            remember(saved);
            form.remove();
            result.textContent = 'Committed ' + saved.file + ' as ' + answer.data.commit + '.';
          } else {
            showRefusal(error, answer, 'Not committed');
          }
        });
      });
      region.appendChild(form);
      region.appendChild(error);
    } else if (saved.commit) {
      result.textContent = 'Committed ' + saved.file + ' as ' + saved.commit + '.';
    }
    region.appendChild(result);
    var close = button('Close');
    close.addEventListener('click', function () {
      sessionStorage.removeItem(SAVED_KEY);
      region.remove();
      var main = document.getElementById('main');
      if (main) main.focus();
    });
    region.appendChild(el('p', { class: 'pb-buttons' }, [close]));
    var wrap = document.querySelector('main .wrap') || document.querySelector('main') || document.body;
    wrap.insertBefore(region, wrap.firstChild);
    // Focus comes here once, right after the save; later reloads of the page
    // (someone else's change) leave the focus where it is.
    if (!saved.shown) {
      saved.shown = true;
      remember(saved);
      region.focus();
    }
  }

  // ---- Dialogs ----

  // Opens a modal form. `spec`: title, build(form) adding the fields and
  // returning a function that gives the request (or throws an Error to show),
  // send(request) giving a Promise of the answer, done(answer, status), wide,
  // submitText. Focus goes into the form and back to `opener` on close.
  function openForm(opener, spec) {
    var titleId = uid('dialog-title');
    var dialog = el('dialog', { class: 'pb-dialog' + (spec.wide ? ' pb-dialog-wide' : ''), 'aria-labelledby': titleId });
    var form = el('form', { method: 'dialog' });
    dialog.appendChild(el('h2', { id: titleId, text: spec.title }));
    form.appendChild(el('p', { class: 'pb-note', text: 'Fields marked * are required.' }));
    var request = spec.build(form);
    var error = el('div', { class: 'pb-error', role: 'alert' });
    var status = el('p', { class: 'pb-status', role: 'status' });
    var save = button(spec.submitText || 'Save', { type: 'submit', class: 'button pb-primary' });
    var cancel = button('Cancel');
    form.appendChild(error);
    form.appendChild(status);
    form.appendChild(el('div', { class: 'pb-buttons' }, [save, cancel]));
    dialog.appendChild(form);
    cancel.addEventListener('click', function () { dialog.close(); });
    dialog.addEventListener('close', function () {
      dialog.remove();
      formClosed();
      if (opener && opener.isConnected) opener.focus();
    });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      error.textContent = '';
      var body;
      try {
        body = request();
      } catch (e) {
        error.appendChild(el('p', { text: e.message }));
        return;
      }
      save.disabled = true;
      status.textContent = 'Saving…';
      spec.send(body).then(function (answer) {
        if (answer.status === 200 && answer.data.ok) {
          spec.done(answer.data, status);
          return;
        }
        save.disabled = false;
        status.textContent = '';
        showRefusal(error, answer);
      });
    });
    document.body.appendChild(dialog);
    formsOpen += 1;
    dialog.showModal();
    var first = form.querySelector('input, select, textarea');
    if (first) first.focus();
    return dialog;
  }

  // The forms and the controls on the page are in the second half of this
  // script (edit_forms.js; serve sends both halves as this one file). They
  // build on what is above.
  var style = el('style', { id: 'partnerbook-edit-style' });
  style.textContent = STYLE;
  document.head.appendChild(style);
  window.partnerbookEdit = {
    config: config,
    page: page,
    previewDebounceMs: PREVIEW_DEBOUNCE_MS,
    uid: uid,
    el: el,
    button: button,
    today: today,
    field: field,
    listText: listText,
    splitList: splitList,
    post: post,
    openForm: openForm,
    savedThenReload: savedThenReload,
    createdThenGo: createdThenGo,
    showRefusal: showRefusal,
    showSaved: showSaved
  };
})();
