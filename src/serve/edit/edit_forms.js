// The second half of partnerbook's editing controls (the first is edit.js;
// serve sends both as /_partnerbook/edit.js): the forms of partner pages, the
// playbook and page editor with its live preview, New playbook and New
// partner, and the buttons that open them.
(function () {
  'use strict';

  var E = window.partnerbookEdit;
  if (!E) return;
  var config = E.config;
  var page = E.page;
  var uid = E.uid;
  var el = E.el;
  var button = E.button;
  var today = E.today;
  var field = E.field;
  var listText = E.listText;
  var splitList = E.splitList;
  var post = E.post;
  var openForm = E.openForm;
  var savedThenReload = E.savedThenReload;
  var createdThenGo = E.createdThenGo;
  var showRefusal = E.showRefusal;
  var showSaved = E.showSaved;

  // A form that edits the partner profile of this page.
  function partnerForm(opener, title, build) {
    openForm(opener, {
      title: title,
      build: build,
      send: function (edit) { return post('partner', { file: page.file, hash: page.hash, edit: edit }); },
      done: savedThenReload
    });
  }

  // Task, Owner and Due fields of an action item, appended to `parent`.
  function itemFields(parent, values, taskRequired) {
    var row = el('div', { class: 'pb-items-row' });
    var task = field({ name: 'task', label: 'Task', value: values.task, required: taskRequired });
    var owner = field({ name: 'owner', label: 'Owner', value: values.owner });
    var due = field({ name: 'due', label: 'Due', type: 'date', value: values.due });
    row.appendChild(task.wrap);
    row.appendChild(owner.wrap);
    row.appendChild(due.wrap);
    parent.appendChild(row);
    return function () {
      return { task: task.control.value.trim(), owner: owner.control.value.trim(), due: due.control.value };
    };
  }

  function logMeeting(opener) {
    partnerForm(opener, 'Log a meeting', function (form) {
      var date = field({ name: 'date', label: 'Date', type: 'date', value: today(), required: true });
      var title = field({ name: 'title', label: 'Title' });
      var attendees = field({ name: 'attendees', label: 'Attendees', hint: 'Names separated by commas.' });
      var notes = field({ name: 'notes', label: 'Notes', type: 'textarea', hint: 'Markdown.' });
      [date, title, attendees, notes].forEach(function (f) { form.appendChild(f.wrap); });
      var items = el('fieldset', {}, [
        el('legend', { text: 'Action items agreed' }),
        el('p', { class: 'pb-note', text: 'An item left empty is not written.' })
      ]);
      var readers = [];
      var addItem = function () {
        var group = el('fieldset', {}, [el('legend', { text: 'Action item ' + (readers.length + 1) })]);
        readers.push(itemFields(group, {}, false));
        items.insertBefore(group, more.parentNode);
        return group;
      };
      var more = button('Add another action item');
      items.appendChild(el('p', {}, [more]));
      more.addEventListener('click', function () {
        addItem().querySelector('input').focus();
      });
      addItem();
      form.appendChild(items);
      return function () {
        var list = [];
        readers.forEach(function (read, i) {
          var item = read();
          if (!item.task && !item.owner && !item.due) return;
          if (!item.task) throw new Error('Action item ' + (i + 1) + ' has an owner or a due date but no task: write its task, or clear it.');
          list.push(item);
        });
        return {
          kind: 'log-meeting',
          date: date.control.value,
          title: title.control.value.trim(),
          attendees: splitList(attendees.control.value),
          notes: notes.control.value,
          items: list
        };
      };
    });
  }

  function addItem(opener) {
    partnerForm(opener, 'Add action item', function (form) {
      var read = itemFields(form, {}, true);
      return function () {
        var item = read();
        return { kind: 'add-item', task: item.task, owner: item.owner, due: item.due };
      };
    });
  }

  function changeNextStep(opener) {
    var current = (page.partner && page.partner.next_step) || {};
    partnerForm(opener, 'Change next step', function (form) {
      var action = field({ name: 'action', label: 'Action', value: current.action, required: true });
      var owner = field({ name: 'owner', label: 'Owner', value: current.owner });
      var due = field({ name: 'due', label: 'Due', type: 'date', value: current.due });
      [action, owner, due].forEach(function (f) { form.appendChild(f.wrap); });
      return function () {
        return { kind: 'next-step', action: action.control.value.trim(), owner: owner.control.value.trim(), due: due.control.value };
      };
    });
  }

  function changeStatus(opener) {
    var p = page.partner || {};
    partnerForm(opener, 'Change status', function (form) {
      var options = (p.statuses || []).map(function (s) { return [s, s]; });
      var status = field({ name: 'status', label: 'Status', type: 'select', options: options, value: p.status || (options[0] || [''])[0], required: true });
      form.appendChild(status.wrap);
      return function () { return { kind: 'status', status: status.control.value }; };
    });
  }

  function logContact(opener) {
    partnerForm(opener, 'Log a contact', function (form) {
      var date = field({ name: 'date', label: 'Date', type: 'date', value: today(), required: true, hint: 'Sets the last contact.' });
      form.appendChild(date.wrap);
      return function () { return { kind: 'log-contact', date: date.control.value }; };
    });
  }

  // The text of an item row, without its badges, details and our buttons.
  function rowTask(row) {
    var copy = row.cloneNode(true);
    copy.querySelectorAll('.badge, .meta, button, .pb-error').forEach(function (n) { n.remove(); });
    return copy.textContent.replace(/\s+/g, ' ').trim();
  }

  function sameTask(a, b) {
    return a.replace(/\s+/g, ' ').trim().toLowerCase() === b.replace(/\s+/g, ' ').trim().toLowerCase();
  }

  // A Mark done button at the end of `row`, for `task`, described by `describedBy`.
  function markDoneButton(row, task, describedBy) {
    var b = button('Mark done', { class: 'button pb-mark-done', 'aria-describedby': describedBy });
    var error = el('div', { class: 'pb-error', role: 'alert' });
    b.addEventListener('click', function () {
      b.disabled = true;
      error.textContent = '';
      post('partner', { file: page.file, hash: page.hash, edit: { kind: 'mark-done', task: task } }).then(function (answer) {
        if (answer.status === 200 && answer.data.ok) {
          savedThenReload(answer.data, null);
          return;
        }
        b.disabled = false;
        showRefusal(error, answer);
      });
    });
    row.appendChild(b);
    row.appendChild(error);
  }

  function markDoneButtons() {
    var p = page.partner || {};
    var open = p.open_items || [];
    var next = document.getElementById('next-step');
    if (p.next_step && next) {
      var action = next.querySelector('p');
      if (action) {
        action.id = action.id || uid('next-step-action');
        markDoneButton(action, p.next_step.action, action.id);
      }
    }
    var list = document.querySelector('#action-items ul.items');
    if (!list) return;
    Array.prototype.forEach.call(list.children, function (row) {
      if (row.tagName !== 'LI' || row.classList.contains('item-done')) return;
      var text = rowTask(row);
      var known = open.filter(function (i) { return sameTask(i.task, text); })[0];
      if (!row.id) row.id = uid('item');
      markDoneButton(row, known ? known.task : text, row.id);
    });
  }

  // ---- Playbooks and pages ----

  function editMarkdown(opener) {
    var md = page.markdown || { fields: {}, body: '' };
    var f = md.fields || {};
    var isPlaybook = page.kind === 'playbook';
    openForm(opener, {
      title: isPlaybook ? 'Edit this playbook' : 'Edit this page',
      wide: true,
      build: function (form) {
        var grid = el('div', { class: 'pb-editor' });
        var left = el('div');
        var controls = {};
        controls.title = field({ name: 'title', label: 'Title', value: f.title, required: true });
        controls.summary = field({ name: 'summary', label: 'Summary', value: f.summary });
        if (isPlaybook) {
          var stages = [['', 'No stage']].concat((f.stages || []).map(function (s) { return [s, s]; }));
          controls.stage = field({ name: 'stage', label: 'Stage', type: 'select', options: stages, value: f.stage || '' });
          controls.partners = field({ name: 'partners', label: 'Partners', value: listText(f.partners), hint: 'Partner slugs separated by commas, such as campus-it.' });
          controls.tags = field({ name: 'tags', label: 'Tags', value: listText(f.tags), hint: 'Separated by commas.' });
        }
        Object.keys(controls).forEach(function (k) { left.appendChild(controls[k].wrap); });
        var body = field({ name: 'body', label: 'Body', type: 'textarea', value: md.body, rows: 20, className: 'pb-body', hint: 'Markdown. The preview follows as you type.' });
        left.appendChild(body.wrap);

        var previewTitle = uid('preview-title');
        var preview = el('section', { class: 'pb-preview', 'aria-labelledby': previewTitle });
        preview.appendChild(el('h3', { id: previewTitle, text: 'Preview' }));
        var problems = el('div', { 'aria-live': 'polite' });
        var html = el('div', { class: 'prose pb-preview-html', tabindex: '0', role: 'region', 'aria-label': 'Rendered preview' });
        preview.appendChild(problems);
        preview.appendChild(html);
        grid.appendChild(left);
        grid.appendChild(preview);
        form.appendChild(grid);

        var asked = 0;
        var timer = null;
        var refresh = function () {
          asked += 1;
          var mine = asked;
          post('preview', { file: page.file, body: body.control.value }).then(function (answer) {
            if (mine !== asked) return;
            problems.textContent = '';
            if (answer.status !== 200) {
              problems.appendChild(el('p', { class: 'pb-problem-error', text: 'No preview: ' + (answer.data.message || ('HTTP ' + answer.status)) }));
              return;
            }
            var list = answer.data.problems || [];
            problems.appendChild(el('p', { class: 'pb-note', text: list.length ? list.length + (list.length === 1 ? ' problem:' : ' problems:') : 'No problems.' }));
            if (list.length) {
              var ul = el('ul', { class: 'pb-problems' });
              list.forEach(function (p) {
                var text = 'Line ' + p.line + ', column ' + p.column + ': ' + p.severity + ': ' + p.message + (p.hint ? ' (hint: ' + p.hint + ')' : '');
                ul.appendChild(el('li', { class: 'pb-problem-' + (p.severity === 'error' ? 'error' : 'warning'), text: text }));
              });
              problems.appendChild(ul);
            }
            // The HTML comes from serve's own Markdown pipeline, as the page itself would show it.
            html.innerHTML = answer.data.html || '';
          });
        };
        body.control.addEventListener('input', function () {
          clearTimeout(timer);
          timer = setTimeout(refresh, E.previewDebounceMs);
        });
        refresh();

        return function () {
          var fields = {};
          ['title', 'summary', 'stage'].forEach(function (k) {
            if (!controls[k]) return;
            var now = controls[k].control.value.trim();
            if (now === (f[k] || '')) return;
            fields[k] = now === '' ? null : now;
          });
          ['partners', 'tags'].forEach(function (k) {
            if (!controls[k]) return;
            var now = splitList(controls[k].control.value);
            if (now.join('\n') === (f[k] || []).join('\n')) return;
            fields[k] = now.length ? now : null;
          });
          return { file: page.file, hash: page.hash, fields: fields, body: body.control.value };
        };
      },
      send: function (request) { return post('markdown', request); },
      done: savedThenReload
    });
  }

  // ---- New playbook, new partner ----

  function newPlaybook(opener) {
    openForm(opener, {
      title: 'New playbook',
      submitText: 'Create',
      build: function (form) {
        var title = field({ name: 'title', label: 'Title', required: true });
        var stages = [['', 'No stage yet']].concat(((config.new || {}).stages || []).map(function (s) { return [s, s]; }));
        var stage = field({ name: 'stage', label: 'Stage', type: 'select', options: stages });
        form.appendChild(title.wrap);
        form.appendChild(stage.wrap);
        return function () { return { what: 'playbook', title: title.control.value.trim(), stage: stage.control.value }; };
      },
      send: function (request) { return post('new', request); },
      done: createdThenGo
    });
  }

  function newPartner(opener) {
    openForm(opener, {
      title: 'New partner',
      submitText: 'Create',
      build: function (form) {
        var name = field({ name: 'name', label: 'Name', required: true });
        var kinds = [['', 'Not set yet']].concat(((config.new || {}).kinds || []).map(function (k) { return [k, k]; }));
        var kind = field({ name: 'kind', label: 'Kind', type: 'select', options: kinds });
        form.appendChild(name.wrap);
        form.appendChild(kind.wrap);
        return function () { return { what: 'partner', name: name.control.value.trim(), kind: kind.control.value }; };
      },
      send: function (request) { return post('new', request); },
      done: createdThenGo
    });
  }

  // ---- The controls on the page ----

  function toolButton(row, text, open) {
    var b = button(text, { 'aria-haspopup': 'dialog' });
    b.addEventListener('click', function () { open(b); });
    row.appendChild(b);
  }

  function setUp() {
    var tools = el('section', { class: 'pb-edit', 'aria-label': 'Editing (partnerbook serve)' });
    var row = el('p', { class: 'pb-edit-row' });
    tools.appendChild(row);
    if (page.kind === 'partner' && page.file && page.partner) {
      toolButton(row, 'Log a meeting', logMeeting);
      toolButton(row, 'Add action item', addItem);
      toolButton(row, 'Change next step', changeNextStep);
      toolButton(row, 'Change status', changeStatus);
      toolButton(row, 'Log a contact', logContact);
      markDoneButtons();
    } else if ((page.kind === 'playbook' || page.kind === 'page') && page.file && page.markdown) {
      toolButton(row, page.kind === 'playbook' ? 'Edit this playbook' : 'Edit this page', editMarkdown);
    }
    toolButton(row, 'New playbook', newPlaybook);
    toolButton(row, 'New partner', newPartner);

    // On a partner, playbook or page: under its heading. Elsewhere: at the
    // end of the page, so that the page's own first screen stays as it is.
    var article = document.querySelector('main article');
    var header = article && (article.querySelector(':scope > header.page-header') || article.querySelector(':scope > h1'));
    if (page.kind !== 'other' && header) {
      header.parentNode.insertBefore(tools, header.nextSibling);
    } else {
      (document.querySelector('main .wrap') || document.querySelector('main') || document.body).appendChild(tools);
    }
    showSaved();
  }

  setUp();
})();
