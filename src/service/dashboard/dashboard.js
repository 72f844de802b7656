const token = sessionStorage.getItem('kubemetrics-token');
const headers = token ? { authorization: 'Bearer ' + token } : {};
const state = {
  data: undefined,
  sort: { key: 'name', dir: 1 },
  filter: '',
  node: undefined,
  drillSeq: 0,
  age: undefined,
};

function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (k === 'class') el.className = v;
    else if (k === 'style') el.style.cssText = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v);
  }
  for (const c of children.flat())
    if (c !== undefined && c !== null) el.append(c instanceof Node ? c : String(c));
  return el;
}
const fmtCpu = (q) =>
  q === null || q === undefined
    ? '–'
    : q.value < 1
      ? Math.round(q.value * 1000) + 'm'
      : Math.round(q.value * 100) / 100 + '';
function fmtBytes(q) {
  if (q === null || q === undefined) return '–';
  const units = ['B', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi'];
  let v = q.value,
    i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return (v >= 100 || i === 0 ? Math.round(v) : Math.round(v * 10) / 10) + units[i];
}
const pct = (p) => (p === null || p === undefined ? '–' : Math.round(p) + '%');
function fmtAge(s) {
  if (s === null || s === undefined) return 'unknown';
  if (s < 60) return Math.round(s) + 's';
  if (s < 3600) return Math.round(s / 60) + 'm';
  return Math.round(s / 3600) + 'h';
}

async function getJSON(path) {
  const res = await fetch(path, { headers });
  if (res.status === 401) {
    const t = prompt('This kubemetrics service needs a bearer token:');
    if (t) {
      sessionStorage.setItem('kubemetrics-token', t);
      location.reload();
    }
    throw new Error('unauthorized');
  }
  if (!res.ok) throw new Error(path + ': HTTP ' + res.status);
  return res.json();
}

// The badge ticks every second between server updates: the age the server reported plus the time
// since it was received.
function drawAge(data) {
  if (data) state.age = { data, at: Date.now() };
  if (!state.age) return;
  const d = state.age.data;
  const age =
    d.ageSeconds === null || d.ageSeconds === undefined
      ? d.ageSeconds
      : d.ageSeconds + (Date.now() - state.age.at) / 1000;
  const el = document.getElementById('age');
  el.className = 'age' + (d.stale ? ' stale' : '');
  el.dataset.stale = String(Boolean(d.stale));
  const mode = d.mode === 'snapshot' ? 'snapshot, ' : '';
  el.textContent =
    (d.stale ? '⚠ stale — ' : '') +
    mode +
    'data age ' +
    fmtAge(age) +
    (d.metricsAvailable ? '' : ' · no metrics API');
  el.title = (d.reasons || []).join('\n');
}

function card(label, value, detail) {
  return h(
    'div',
    { class: 'card', 'data-testid': 'total-' + label.toLowerCase().replace(/ /g, '-') },
    h('div', { class: 'label' }, label),
    h('div', { class: 'value' }, value),
    h('div', { class: 'detail' }, detail),
  );
}

function drawTotals(c) {
  const cpu = c.resources.cpu,
    mem = c.resources.memory;
  document
    .getElementById('totals')
    .replaceChildren(
      card(
        'Nodes',
        c.nodes,
        c.readyNodes + ' ready' + (c.unschedulableNodes ? ', ' + c.unschedulableNodes + ' cordoned' : ''),
      ),
      card('Pods', c.pods, c.pendingPods + ' pending · ' + pct(c.podsPercent) + ' of capacity'),
      card(
        'CPU requests',
        pct(cpu && cpu.requestsPercent),
        fmtCpu(cpu && cpu.requests) + ' of ' + fmtCpu(cpu && cpu.allocatable) + ' cores',
      ),
      card(
        'CPU usage',
        pct(cpu && cpu.usagePercent),
        fmtCpu(cpu && cpu.usage) +
          ' cores' +
          (c.nodesWithoutMetrics ? ' · ' + c.nodesWithoutMetrics + ' node(s) without metrics' : ''),
      ),
      card(
        'Memory requests',
        pct(mem && mem.requestsPercent),
        fmtBytes(mem && mem.requests) + ' of ' + fmtBytes(mem && mem.allocatable),
      ),
      card('Memory usage', pct(mem && mem.usagePercent), fmtBytes(mem && mem.usage)),
    );
}

function bar(res, r) {
  const scale = Math.max(100, r.limitsPercent || 0, r.usagePercent || 0, r.requestsPercent || 0);
  const x = (p) => Math.min(100, ((p || 0) / scale) * 100) + '%';
  const parts = [h('div', { class: 'fill', style: 'width:' + x(r.requestsPercent) })];
  parts.push(h('div', { class: 'full', style: 'left:' + x(100) }));
  if (r.limitsPercent !== null)
    parts.push(
      h('div', {
        class: 'mark lim',
        style: 'left:' + x(r.limitsPercent),
        title: 'limits ' + pct(r.limitsPercent),
      }),
    );
  if (r.usagePercent !== null)
    parts.push(
      h('div', {
        class: 'mark use',
        style: 'left:' + x(r.usagePercent),
        title: 'usage ' + pct(r.usagePercent),
      }),
    );
  parts.push(h('span', { class: 'res' }, res));
  parts.push(
    h(
      'span',
      { class: 'text' },
      'req ' +
        pct(r.requestsPercent) +
        ' · lim ' +
        pct(r.limitsPercent) +
        ' · use ' +
        (r.usagePercent === null ? 'no metrics' : pct(r.usagePercent)),
    ),
  );
  return h(
    'div',
    {
      class: 'bar',
      role: 'img',
      'aria-label':
        res +
        ' requests ' +
        pct(r.requestsPercent) +
        ', limits ' +
        pct(r.limitsPercent) +
        ', usage ' +
        pct(r.usagePercent) +
        ' of allocatable',
    },
    parts,
  );
}

function drawBars(nodes) {
  document.getElementById('bars').replaceChildren(
    ...nodes.map((n) =>
      h(
        'div',
        {
          class: 'node',
          tabindex: '0',
          'data-testid': 'node-bar',
          'data-node': n.name,
          onclick: () => openDrill(n.name),
          onkeydown: (e) => {
            if (e.key === 'Enter') openDrill(n.name);
          },
        },
        h(
          'div',
          { class: 'name', title: n.name },
          n.name,
          h(
            'div',
            { class: 'muted' },
            (n.roles.join(',') || 'worker') + ' · ' + n.pods + ' pods' + (n.ready ? '' : ' · NotReady'),
          ),
        ),
        bar('cpu', n.resources.cpu),
        bar('memory', n.resources.memory),
      ),
    ),
  );
}

function groupTable(id, rows, withKind) {
  const head = h(
    'tr',
    {},
    h('th', {}, withKind ? 'workload' : 'namespace'),
    h('th', {}, 'pods'),
    h('th', {}, 'cpu req'),
    h('th', {}, 'cpu use'),
    h('th', {}, 'mem req'),
    h('th', {}, 'mem use'),
  );
  const body = rows.map((r) =>
    h(
      'tr',
      { 'data-testid': withKind ? 'workload-row' : 'namespace-row' },
      h('td', {}, withKind ? r.namespace + '/' + r.kind + '/' + r.name : r.name),
      h('td', {}, r.pods),
      h('td', {}, fmtCpu(r.resources.cpu.requests)),
      h('td', {}, r.hasMetrics ? fmtCpu(r.resources.cpu.usage) : 'no metrics'),
      h('td', {}, fmtBytes(r.resources.memory.requests)),
      h('td', {}, r.hasMetrics ? fmtBytes(r.resources.memory.usage) : 'no metrics'),
    ),
  );
  document.getElementById(id).replaceChildren(h('thead', {}, head), h('tbody', {}, body));
}

const COLUMNS = [
  ['name', 'node', (n) => n.name, (n) => n.name],
  ['pods', 'pods', (n) => n.pods, (n) => n.pods],
  [
    'cpuReq',
    'cpu req %',
    (n) => n.resources.cpu.requestsPercent,
    (n) => pct(n.resources.cpu.requestsPercent),
  ],
  ['cpuLim', 'cpu lim %', (n) => n.resources.cpu.limitsPercent, (n) => pct(n.resources.cpu.limitsPercent)],
  ['cpuUse', 'cpu use %', (n) => n.resources.cpu.usagePercent, (n) => pct(n.resources.cpu.usagePercent)],
  [
    'memReq',
    'mem req %',
    (n) => n.resources.memory.requestsPercent,
    (n) => pct(n.resources.memory.requestsPercent),
  ],
  [
    'memLim',
    'mem lim %',
    (n) => n.resources.memory.limitsPercent,
    (n) => pct(n.resources.memory.limitsPercent),
  ],
  [
    'memUse',
    'mem use %',
    (n) => n.resources.memory.usagePercent,
    (n) => pct(n.resources.memory.usagePercent),
  ],
];

// Filter: the text is matched, case-insensitively, against the node name and its roles.
const matches = (n, f) =>
  !f || n.name.toLowerCase().includes(f) || n.roles.join(',').toLowerCase().includes(f);

// Sort: by the column's value in the chosen direction, nodes without a value (no metrics) last,
// ties by name, so the order is the same on every redraw.
function compareNodes(col, dir) {
  return (a, b) => {
    const x = col[2](a),
      y = col[2](b);
    if (x !== y) {
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return (x < y ? -1 : 1) * dir;
    }
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  };
}

function drawNodeTable(nodes) {
  const f = state.filter.trim().toLowerCase();
  const col = COLUMNS.find((c) => c[0] === state.sort.key) || COLUMNS[0];
  const rows = nodes.filter((n) => matches(n, f)).sort(compareNodes(col, state.sort.dir));
  const head = h(
    'tr',
    {},
    COLUMNS.map(([key, label]) =>
      h(
        'th',
        {
          scope: 'col',
          'data-key': key,
          'data-testid': 'sort-' + key,
          tabindex: '0',
          'aria-sort': state.sort.key === key ? (state.sort.dir > 0 ? 'ascending' : 'descending') : 'none',
          onclick: () => sortBy(key, nodes),
          onkeydown: (e) => {
            if (e.key === 'Enter') sortBy(key, nodes);
          },
        },
        label,
      ),
    ),
  );
  const body = rows.map((n) =>
    h(
      'tr',
      {
        class: 'clickable',
        tabindex: '0',
        'data-testid': 'node-row',
        'data-node': n.name,
        onclick: () => openDrill(n.name),
        onkeydown: (e) => {
          if (e.key === 'Enter') openDrill(n.name);
        },
      },
      COLUMNS.map((c) => h('td', { 'data-key': c[0] }, c[3](n))),
    ),
  );
  document.getElementById('node-table').replaceChildren(h('thead', {}, head), h('tbody', {}, body));
  document.getElementById('node-table').dataset.rows = String(rows.length);
}

// First click on a column: names ascending, numbers descending (fullest first); again: reversed.
function sortBy(key, nodes) {
  state.sort = { key, dir: state.sort.key === key ? -state.sort.dir : key === 'name' ? 1 : -1 };
  drawNodeTable(nodes);
}

// A click opens the pod list and scrolls to it; live updates redraw it in place.
function openDrill(node) {
  drill(node, true).catch(showError);
}

function closeDrill() {
  state.node = undefined;
  state.drillSeq++;
  document.getElementById('drill').hidden = true;
}

async function drill(node, scroll) {
  state.node = node;
  const seq = ++state.drillSeq;
  const doc = await getJSON(
    '/api/v1/capacity?by=pod&node=' + encodeURIComponent(node) + '&sort=requests.cpu',
  );
  // A later click (or close) wins over an answer that arrives late.
  if (seq !== state.drillSeq) return;
  const section = document.getElementById('drill');
  section.hidden = false;
  section.dataset.node = node;
  document.getElementById('drill-title').textContent = 'Pods on ' + node + ' (' + doc.total + ')';
  const head = h(
    'tr',
    {},
    ['pod', 'workload', 'phase', 'cpu req', 'cpu lim', 'cpu use', 'mem req', 'mem lim', 'mem use'].map((t) =>
      h('th', {}, t),
    ),
  );
  const body = doc.pods.map((p) =>
    h(
      'tr',
      { 'data-testid': 'pod-row', 'data-pod': p.namespace + '/' + p.name },
      h('td', {}, p.namespace + '/' + p.name),
      h('td', {}, p.workload.kind + '/' + p.workload.name),
      h('td', {}, p.phase || '–'),
      h('td', {}, fmtCpu(p.resources.cpu.requests)),
      h('td', {}, fmtCpu(p.resources.cpu.limits)),
      h('td', {}, p.hasMetrics ? fmtCpu(p.resources.cpu.usage) : 'no metrics'),
      h('td', {}, fmtBytes(p.resources.memory.requests)),
      h('td', {}, fmtBytes(p.resources.memory.limits)),
      h('td', {}, p.hasMetrics ? fmtBytes(p.resources.memory.usage) : 'no metrics'),
    ),
  );
  document.getElementById('pods').replaceChildren(h('thead', {}, head), h('tbody', {}, body));
  if (scroll) section.scrollIntoView({ block: 'start' });
}

// HPAs come from their own route: they are replayed on the service's metrics interval, apart from
// the cache's generations, and a cluster without HPAs (or forbidding them) must not break the rest.
function hpaMetric(m) {
  if (m.error)
    return h(
      'span',
      { class: 'hpa-metric error', title: m.error.message + (m.error.hint ? '\n' + m.error.hint : '') },
      '⚠ ' + m.type + ' ' + m.name + ': ' + m.error.reason,
    );
  return h(
    'span',
    { class: 'hpa-metric', title: m.usageRatio === undefined ? '' : 'usage ratio ' + m.usageRatio },
    m.type +
      ' ' +
      m.name +
      ': ' +
      (m.current === undefined ? '<unknown>' : m.current) +
      '/' +
      (m.target === undefined ? '<unset>' : m.target) +
      ' → ' +
      (m.proposedReplicas === undefined ? '–' : m.proposedReplicas),
  );
}

// Without the controller's stabilization history only a range is known (hpa list prints it too).
function hpaDesired(i) {
  const r = i.desiredReplicasRange;
  if (r) return r.min + '–' + r.max;
  return i.desiredReplicas === undefined ? '–' : String(i.desiredReplicas);
}

function drawHpas(doc) {
  const message = document.getElementById('hpa-message');
  const table = document.getElementById('hpa-table');
  table.dataset.rows = String(doc.items.length);
  if (doc.items.length === 0) {
    message.hidden = false;
    message.textContent = 'No HorizontalPodAutoscalers in the cluster.';
    table.hidden = true;
    return;
  }
  message.hidden = true;
  table.hidden = false;
  const head = h(
    'tr',
    {},
    ['hpa', 'namespace', 'metrics', 'recommended', 'desired', 'min/max', 'replicas', 'status', 'agrees'].map(
      (t) => h('th', { scope: 'col' }, t),
    ),
  );
  const body = doc.items.map((i) =>
    h(
      'tr',
      {
        class: i.canCompute ? '' : 'hpa-problem',
        'data-testid': 'hpa-row',
        'data-hpa': i.namespace + '/' + i.name,
        'data-can-compute': String(i.canCompute),
        title: i.problem || '',
      },
      h('td', {}, (i.canCompute ? '' : '⚠ ') + i.name),
      h('td', {}, i.namespace),
      h('td', {}, i.metrics.length === 0 ? (i.problem ? '⚠ ' + i.problem : '–') : i.metrics.map(hpaMetric)),
      h('td', {}, i.recommendedReplicas === undefined ? '–' : i.recommendedReplicas),
      h('td', { 'data-testid': 'hpa-desired' }, hpaDesired(i)),
      h('td', {}, i.minReplicas + '/' + i.maxReplicas),
      h('td', {}, i.currentReplicas === undefined ? '–' : i.currentReplicas),
      h('td', {}, i.status.desiredReplicas === undefined ? '–' : i.status.desiredReplicas),
      h(
        'td',
        { class: i.agreesWithStatus === false ? 'hpa-disagrees' : '', title: i.agreement || '' },
        i.agreesWithStatus === true ? 'yes' : i.agreesWithStatus === false ? 'no' : '?',
      ),
    ),
  );
  table.replaceChildren(h('thead', {}, head), h('tbody', {}, body));
}

async function refreshHpas() {
  try {
    const res = await fetch('/api/v1/hpas', { headers });
    const doc = await res.json();
    if (res.ok) drawHpas(doc);
    else {
      // A Status: no replay yet, no autoscaling API, RBAC, or a snapshot; its message says which.
      const message = document.getElementById('hpa-message');
      message.hidden = false;
      message.textContent = doc.message || 'HTTP ' + res.status;
      document.getElementById('hpa-table').hidden = true;
    }
  } catch (error) {
    document.getElementById('hpa-message').textContent = 'HPAs unavailable: ' + error.message;
  }
}

function showError(error) {
  const el = document.getElementById('age');
  el.className = 'age stale';
  el.dataset.stale = 'true';
  el.textContent = '⚠ cannot reach the service: ' + error.message;
}

// One refresh at a time; a change that arrives meanwhile triggers one more afterwards.
let refreshing = false,
  refreshAgain = false;
async function refresh() {
  if (refreshing) {
    refreshAgain = true;
    return;
  }
  refreshing = true;
  try {
    const data = await getJSON('/api/v1/dashboard');
    state.data = data;
    drawAge(data.data);
    drawTotals(data.cluster);
    drawBars(data.nodes);
    groupTable('namespaces', data.namespaces, false);
    groupTable('workloads', data.workloads, true);
    drawNodeTable(data.nodes);
    if (state.node && data.nodes.some((n) => n.name === state.node)) await drill(state.node, false);
    else if (state.node) closeDrill();
    document.body.dataset.ready = 'true';
    document.body.dataset.generation = String(data.data.generation);
  } catch (error) {
    showError(error);
  } finally {
    refreshing = false;
    if (refreshAgain) {
      refreshAgain = false;
      void refresh();
    }
  }
}

document.getElementById('filter').addEventListener('input', (e) => {
  state.filter = e.target.value;
  if (state.data) drawNodeTable(state.data.nodes);
});
document.getElementById('drill-close').addEventListener('click', closeDrill);
setInterval(() => drawAge(), 1000);

void refresh();
void refreshHpas();
// The HPA result changes once per replay interval and costs the service a memory copy to answer.
setInterval(() => void refreshHpas(), 5000);
// ?poll=SECONDS polls instead of holding a server-sent events stream (for proxies that buffer).
const poll = Number(new URLSearchParams(location.search).get('poll')) || 0;
if (typeof EventSource === 'function' && !token && poll <= 0) {
  const events = new EventSource('/api/v1/events');
  events.addEventListener('change', () => void refresh());
  events.addEventListener('health', (e) => drawAge(JSON.parse(e.data)));
} else {
  setInterval(() => void refresh(), Math.max(1, poll || 5) * 1000);
}
