'use strict';
// The registry's browse page. Reads and changes the registry through the management API with the
// session cookie; every change carries the session's CSRF token. All text is set with textContent.
(function () {
  const API = '/api/v1/nexus/endpoints';
  const $ = (id) => document.getElementById(id);
  let session = null;
  let endpoints = [];

  function show(text, ok) {
    const m = $('message');
    m.textContent = text;
    m.className = 'message ' + (ok ? 'ok' : 'error');
  }

  async function call(method, url, body) {
    const headers = {'Accept': 'application/json'};
    if (method !== 'GET') {
      headers['X-CSRF-Token'] = session.csrfToken;
    }
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    const r = await fetch(url, {method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body)});
    let json = {};
    try { json = await r.json(); } catch (e) { json = {}; }
    if (r.status === 401) {
      location.href = '/ui/login';
    }
    return {status: r.status, ok: r.ok, json};
  }

  function callers(e) {
    return (e.spec.policySpecs || []).map((p) => p.allowedCloudNamespacePolicySpec.namespaceId);
  }

  function protection(e) {
    const parts = [e.spec.payloadProtection || "(workers' default)"];
    const services = e.spec.servicePayloadProtections || {};
    for (const k of Object.keys(services).sort()) {
      parts.push(k + ': ' + services[k]);
    }
    return parts.join('; ');
  }

  function matches(e, q) {
    if (!q) { return true; }
    const w = e.spec.targetSpec.workerTargetSpec;
    return [e.spec.name, w.namespaceId, w.taskQueue, callers(e).join(' '), protection(e),
      e.spec.description || '']
      .some((t) => t.toLowerCase().includes(q));
  }

  function render() {
    const q = $('search').value.trim().toLowerCase();
    const body = $('endpoints');
    body.replaceChildren();
    const shown = endpoints.filter((e) => matches(e, q));
    for (const e of shown) {
      const w = e.spec.targetSpec.workerTargetSpec;
      const tr = document.createElement('tr');
      tr.dataset.name = e.spec.name;
      const cells = [e.spec.name, w.namespaceId, w.taskQueue,
        callers(e).length ? callers(e).join(', ') : '(nobody)', protection(e), e.spec.description || '',
        e.resourceVersion];
      cells.forEach((text, i) => {
        const td = document.createElement('td');
        td.textContent = text;
        if (i === 4) { td.className = 'protection'; }
        if (i === 5) { td.className = 'description'; }
        tr.appendChild(td);
      });
      const actions = document.createElement('td');
      if (session.canManage) {
        const edit = document.createElement('button');
        edit.type = 'button';
        edit.className = 'secondary edit';
        edit.textContent = 'Edit';
        edit.addEventListener('click', () => openForm(e));
        actions.appendChild(edit);
      }
      tr.appendChild(actions);
      body.appendChild(tr);
    }
    $('count').textContent = q ? shown.length + ' of ' + endpoints.length + ' endpoints'
                               : endpoints.length + ' endpoints';
  }

  async function load() {
    const all = [];
    let token = '';
    do {
      const r = await call('GET', API + '?pageSize=1000' + (token ? '&pageToken=' + encodeURIComponent(token) : ''));
      if (!r.ok) {
        show(r.json.message || ('Listing failed with status ' + r.status), false);
        return;
      }
      all.push(...r.json.endpoints);
      token = r.json.nextPageToken;
    } while (token);
    endpoints = all;
    render();
  }

  function openForm(e) {
    const editing = e !== undefined;
    $('endpoint-form').hidden = false;
    $('form-title').textContent = editing ? 'Edit endpoint ' + e.spec.name : 'Create endpoint';
    $('f-submit').textContent = editing ? 'Save' : 'Create';
    $('f-delete').hidden = !editing;
    $('f-name').readOnly = editing;
    $('f-name').value = editing ? e.spec.name : '';
    $('f-version').value = editing ? e.resourceVersion : '';
    const w = editing ? e.spec.targetSpec.workerTargetSpec : {namespaceId: '', taskQueue: ''};
    $('f-namespace').value = w.namespaceId;
    $('f-task-queue').value = w.taskQueue;
    $('f-callers').value = editing ? callers(e).join('\n') : '';
    $('f-description').value = editing ? (e.spec.description || '') : '';
    $('f-protection').value = editing ? (e.spec.payloadProtection || '') : '';
    const services = editing ? (e.spec.servicePayloadProtections || {}) : {};
    $('f-service-protections').value =
      Object.keys(services).sort().map((k) => k + '=' + services[k]).join('\n');
    $('f-name').focus();
  }

  function closeForm() {
    $('endpoint-form').hidden = true;
  }

  function spec() {
    const allowed = $('f-callers').value.split(/[\s,]+/).filter((s) => s.length > 0);
    const s = {
      name: $('f-name').value.trim(),
      targetSpec: {workerTargetSpec: {namespaceId: $('f-namespace').value.trim(),
                                      taskQueue: $('f-task-queue').value.trim()}},
      policySpecs: allowed.map((ns) => ({allowedCloudNamespacePolicySpec: {namespaceId: ns}})),
      description: $('f-description').value,
    };
    const p = $('f-protection').value.trim();
    if (p) { s.payloadProtection = p; }
    const services = {};
    for (const line of $('f-service-protections').value.split('\n')) {
      const t = line.trim();
      if (!t) { continue; }
      const eq = t.indexOf('=');
      // a line without '=' is sent with an empty protection: the server names the service and the rule
      services[eq < 0 ? t : t.substring(0, eq).trim()] = eq < 0 ? '' : t.substring(eq + 1).trim();
    }
    if (Object.keys(services).length) { s.servicePayloadProtections = services; }
    return s;
  }

  async function submit(ev) {
    ev.preventDefault();
    const s = spec();
    const version = $('f-version').value;
    const r = version
      ? await call('POST', API + '/' + encodeURIComponent(s.name), {spec: s, resourceVersion: version})
      : await call('POST', API, {spec: s});
    if (r.ok) {
      show((version ? 'Saved endpoint ' : 'Created endpoint ') + s.name +
           ' (version ' + r.json.endpoint.resourceVersion + ').', true);
      closeForm();
      await load();
    } else {
      show('Refused (' + r.status + ' ' + (r.json.error || '') + '): ' + (r.json.message || ''), false);
    }
  }

  async function remove() {
    const name = $('f-name').value;
    const r = await call('DELETE', API + '/' + encodeURIComponent(name) + '?resourceVersion=' +
                         encodeURIComponent($('f-version').value));
    if (r.ok) {
      show('Deleted endpoint ' + name + '.', true);
      closeForm();
      await load();
    } else {
      show('Refused (' + r.status + ' ' + (r.json.error || '') + '): ' + (r.json.message || ''), false);
    }
  }

  async function signOut() {
    await call('POST', '/ui/logout');
    location.href = '/ui/login';
  }

  async function start() {
    const r = await fetch('/ui/api/session', {credentials: 'same-origin'});
    if (!r.ok) {
      location.href = '/ui/login';
      return;
    }
    session = await r.json();
    $('whoami').textContent = 'Signed in as ' + session.principal + ' (' + session.accountRole + ')';
    $('new-endpoint').hidden = !session.canManage;
    $('new-endpoint').addEventListener('click', () => openForm());
    $('f-cancel').addEventListener('click', closeForm);
    $('f-delete').addEventListener('click', remove);
    $('endpoint-form').addEventListener('submit', submit);
    $('search').addEventListener('input', render);
    $('sign-out').addEventListener('click', signOut);
    if (!session.canView) {
      show('Your account role does not allow viewing the registry; ask for a role such as read_only.', false);
      return;
    }
    await load();
    document.body.dataset.loaded = 'true';
  }

  start();
})();
